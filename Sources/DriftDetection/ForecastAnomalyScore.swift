#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An anomaly score in [0, 1] for a forecaster's residuals, calibrated on the stream itself.
///
/// Views of each step, each judged against its own past (`ResidualSurprise`: one surprising
/// record, a sustained rise over 10 records, a moderate one over 100):
/// - the forecaster's residuals;
/// - a slow reference's residuals (what is usual at this time of day, or in the long run), which
///   keeps scoring while an abnormal state lasts that the forecaster has adapted to;
/// - with timestamps, the same for the hour of the week (a weekday that reads like a Sunday);
/// - with `horizonSamples` > 0, the residuals of a forecaster that sees only values h steps back
///   or more (`HorizonForecaster`), where a level change or a broken pattern stays for about h
///   steps; judged on its two averages only, since one surprising record already shows in the
///   forecaster's own residual;
/// - a value beyond the range seen so far by more than `rangeTolerance` of it, or beyond the range
///   of about the last `recentRangeSamples` values by more than `recentRangeTolerance` of that
///   (`RecentRange`), so that an extreme seen long ago does not hide a new one for ever;
/// - with `contextSamples` > 0, how new the recent pattern is (`ContextNovelty`: the fraction of
///   the last few quantised values' contexts not seen within that many steps), a shape never
///   seen even inside the range and with small residuals; judged on the point only, by how often
///   such novelty occurred before (`TailEstimator.frequency`, not a fitted tail: it takes a few
///   levels and is mostly 0).
/// With p the smallest tail probability times their number (three per view, two for the horizon
/// view, one for the context view), score =
/// −log₁₀(p)/decades clamped to [0, 1], or 1 for an out-of-range value; after a score at the
/// threshold it is held below it for `refractorySamples` steps. A score for step t uses steps ≤ t
/// only. Allocates only in `init`; one thread at a time.
public struct ForecastAnomalyScore: Sendable {
    public private(set) var configuration: ForecastScoreConfiguration
    public let channelCount: Int
    /// The latest score, in [0, 1].
    public private(set) var score = 0.0
    /// The latest score before the refractory hold.
    public private(set) var rawScore = 0.0
    public private(set) var forecast: ResidualSurprise
    public private(set) var reference: ResidualSurprise
    /// The weekly reference's view (used when `update` gets its residuals).
    public private(set) var weekly: ResidualSurprise
    /// The horizon forecaster's view (used when `update` gets its residuals; saved only with
    /// `configuration.horizonSamples` > 0, so checkpoints without it keep their layout).
    public private(set) var horizon: ResidualSurprise
    /// The context view (saved only with `configuration.contextSamples` > 0).
    public private(set) var context: ResidualSurprise
    public private(set) var outOfRange = false
    public private(set) var count = 0
    private var low: [Double]
    private var high: [Double]
    private var sinceAlert = 1 << 40
    /// The range of the last `recentRangeSamples` values (nil: off).
    private var recent: RecentRange?
    /// The contexts seen recently (nil: off).
    private var novelty: ContextNovelty?
    /// The range each channel's value is quantised in by the context view (scratch, per step).
    private var contextLow: [Double]
    private var contextHigh: [Double]

    public init(channelCount: Int, configuration: ForecastScoreConfiguration = ForecastScoreConfiguration()) {
        precondition(channelCount > 0)
        precondition(configuration.problems.isEmpty, "ForecastAnomalyScore: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        self.channelCount = channelCount
        forecast = ResidualSurprise(channelCount: channelCount, configuration: configuration)
        reference = ResidualSurprise(channelCount: channelCount, configuration: configuration)
        weekly = ResidualSurprise(channelCount: channelCount, configuration: configuration)
        horizon = ResidualSurprise(channelCount: channelCount, configuration: configuration)
        // The novelty takes a few levels and is mostly 0: a tail fitted to that is no guide.
        context = ResidualSurprise(channelCount: channelCount, configuration: configuration, counted: true)
        if configuration.contextSamples > 0 {
            novelty = ContextNovelty(
                channelCount: channelCount, order: configuration.contextOrder, bins: configuration.contextBins,
                memorySamples: configuration.contextSamples)
        }
        contextLow = [Double](repeating: 0, count: channelCount)
        contextHigh = contextLow
        low = [Double](repeating: .infinity, count: channelCount)
        high = [Double](repeating: -.infinity, count: channelCount)
        if configuration.recentRangeSamples > 0 {
            recent = RecentRange(channelCount: channelCount, samples: configuration.recentRangeSamples)
        }
    }

    /// Changes the alert threshold only; the history is kept.
    public mutating func setThreshold(_ threshold: Double) {
        precondition(threshold > 0 && threshold <= 1)
        configuration.threshold = threshold
    }

    /// Appends the running state to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(count)
        state.append(sinceAlert)
        state.append(contentsOf: low)
        state.append(contentsOf: high)
        forecast.save(to: &state)
        reference.save(to: &state)
        weekly.save(to: &state)
        if configuration.horizonSamples > 0 { horizon.save(to: &state) }
        recent?.save(to: &state)
        if let novelty {
            context.save(to: &state)
            novelty.save(to: &state)
        }
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        count = try reader.int()
        sinceAlert = try reader.int()
        low = try reader.doubles(channelCount)
        high = try reader.doubles(channelCount)
        try forecast.load(from: &reader)
        try reference.load(from: &reader)
        try weekly.load(from: &reader)
        if configuration.horizonSamples > 0 { try horizon.load(from: &reader) }
        try recent?.load(from: &reader)
        if novelty != nil {
            try context.load(from: &reader)
            try novelty!.load(from: &reader)
        }
    }

    /// Whether the latest score reached the threshold.
    public var isAlerting: Bool { count > configuration.warmUpSamples && score >= configuration.threshold }

    /// Scores one step from the forecaster's and the references' residuals (in the learner's
    /// units; `weeklyResidual` nil without timestamps) and the raw values (in the sensor's units),
    /// then folds them all into the history. A reference that has not `…Settled` yet is neither
    /// judged nor learned into its tails. `rangeValues` (default `values`) are what the range seen
    /// so far learns; NaN leaves a channel's range as it was (a value clipped as a fault is judged,
    /// but must not widen the range for the next 10⁵ records). `horizonResidual` (nil: no such
    /// view) is judged once `horizonSettled`, and learned into its tails from then on.
    @discardableResult
    public mutating func update(
        residual: [Double], referenceResidual: [Double], values: [Double], referenceSettled: Bool = true,
        weeklyResidual: [Double]? = nil, weeklySettled: Bool = false, rangeValues: [Double]? = nil,
        horizonResidual: [Double]? = nil, horizonSettled: Bool = false
    ) -> Double {
        precondition(values.count == channelCount)
        count += 1
        forecast.judge(residual)
        reference.judge(referenceResidual)
        if let weeklyResidual { weekly.judge(weeklyResidual) }
        if let horizonResidual { horizon.judge(horizonResidual) }
        if novelty != nil {
            // Quantised in the range before this value: the recent one once it spans enough values.
            for c in 0..<channelCount {
                if let recent, recent.count(c) >= Self.recentRangeMinimum {
                    (contextLow[c], contextHigh[c]) = recent.range(c)
                } else {
                    (contextLow[c], contextHigh[c]) = (low[c], high[c])
                }
            }
            novelty!.step(values, lows: contextLow, highs: contextHigh)
            context.judge(novelty!.novelty)
        }
        outOfRange = false
        if configuration.rangeTolerance > 0 {
            for c in 0..<channelCount where values[c].isFinite && high[c] > low[c] {
                let margin = configuration.rangeTolerance * (high[c] - low[c])
                if values[c] > high[c] + margin || values[c] < low[c] - margin { outOfRange = true }
            }
        }
        if let recent {
            // A value beyond the recent range by a wide margin: an extreme seen long ago does not
            // hide it.
            for c in 0..<channelCount where values[c].isFinite && recent.count(c) >= Self.recentRangeMinimum {
                let (lowest, highest) = recent.range(c)
                let margin = configuration.recentRangeTolerance * (highest - lowest)
                if highest > lowest, values[c] > highest + margin || values[c] < lowest - margin { outOfRange = true }
            }
        }
        if count > configuration.warmUpSamples {
            // Three tail probabilities per view (two for the horizon view); the smallest, times
            // their number, bounds the chance that any of them is this small by accident.
            let referenceP = referenceSettled ? reference.smallestProbability : 1
            let weeklyP = weeklyResidual != nil && weeklySettled ? weekly.smallestProbability : 1
            let horizonP = horizonResidual != nil && horizonSettled ? horizon.smallestAverageProbability : 1
            // The context view's point only: its averages take many levels, and each new highest
            // one reads as never seen (rows 154–155 of docs/nab.md).
            let contextP = novelty != nil ? context.pointProbability : 1
            let tests = 3 * (weeklyResidual != nil ? 3.0 : 2.0) + (horizonResidual != nil ? 2 : 0) + (novelty != nil ? 1 : 0)
            let p = min(1, tests * min(min(forecast.smallestProbability, horizonP), min(min(referenceP, weeklyP), contextP)))
            rawScore = outOfRange ? 1 : min(max(-log10(p) / configuration.decades, 0), 1)
        } else {
            rawScore = 0
        }
        score = rawScore
        if configuration.refractorySamples > 0 {
            if sinceAlert < configuration.refractorySamples { score = min(score, configuration.threshold * 0.5) }
            sinceAlert =
                rawScore >= configuration.threshold && sinceAlert >= configuration.refractorySamples
                ? 0 : min(sinceAlert + 1, 1 << 40)
        }
        forecast.learn(residual, intoTails: count > configuration.warmUpSamples / 2)
        reference.learn(referenceResidual, intoTails: referenceSettled)
        if let weeklyResidual { weekly.learn(weeklyResidual, intoTails: weeklySettled) }
        if let horizonResidual { horizon.learn(horizonResidual, intoTails: horizonSettled && count > configuration.warmUpSamples / 2) }
        // The contexts are new while the first range settles, so the view's tails wait for the warm-up.
        if let novelty { context.learn(novelty.novelty, intoTails: count > configuration.warmUpSamples) }
        learnRange(rangeValues ?? values)
        recent?.add(rangeValues ?? values)
        return score
    }

    /// Values the recent range must span before it judges.
    static let recentRangeMinimum = 100

    /// Forgets channel `c`'s range, as before its first value: for a range that took in a value
    /// later found to be a fault.
    public mutating func forgetRange(channel c: Int) {
        low[c] = .infinity
        high[c] = -.infinity
    }

    private mutating func learnRange(_ values: [Double]) {
        let shrink = 1 / Double(configuration.rangeMemorySamples)
        for c in 0..<channelCount where values[c].isFinite {
            if high[c] >= low[c] {
                // Both ends creep towards the middle so that an old extreme fades.
                let span = high[c] - low[c]
                high[c] -= shrink * span
                low[c] += shrink * span
            }
            high[c] = max(high[c], values[c])
            low[c] = min(low[c], values[c])
        }
    }
}
