#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An anomaly score in [0, 1] for a forecaster's residuals, calibrated on the stream itself.
///
/// Each step, with each channel's residual r_c in units of its recent mean absolute residual:
/// - the point surprise s = ln(1 + Σ z_c²), z_c = r_c/(1.25·scale_c), judged against the upper
///   tail of its own past (`TailEstimator`), so one surprising record scores at once;
/// - its short average (span `shortRunSamples`), judged against its own tail the same way, so a
///   sustained rise scores too;
/// - a value beyond the range seen so far by more than `rangeTolerance` of it.
/// p = 2·min(both tail probabilities), and score = −log₁₀(p)/decades clamped to [0, 1] (1 for an
/// out-of-range value). The residual scales are clipped at 4 scales per step, so one outlier does
/// not inflate them. A score for step t uses steps ≤ t only. Allocates only in `init`.
public struct ForecastAnomalyScore: Sendable {
    public private(set) var configuration: ForecastScoreConfiguration
    public let channelCount: Int
    /// The latest score, in [0, 1].
    public private(set) var score = 0.0
    /// The latest score before the refractory hold.
    public private(set) var rawScore = 0.0
    public private(set) var pointProbability = 1.0
    public private(set) var sustainedProbability = 1.0
    public private(set) var outOfRange = false
    public private(set) var count = 0
    private var residualScale: [Double]
    private var low: [Double]
    private var high: [Double]
    private var point: TailEstimator
    private var sustained: TailEstimator
    private var shortRun = 0.0
    private var sinceAlert = Int.max / 2

    public init(channelCount: Int, configuration: ForecastScoreConfiguration = ForecastScoreConfiguration()) {
        precondition(channelCount > 0)
        precondition(configuration.problems.isEmpty, "ForecastAnomalyScore: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        self.channelCount = channelCount
        residualScale = [Double](repeating: 0, count: channelCount)
        low = [Double](repeating: .infinity, count: channelCount)
        high = [Double](repeating: -.infinity, count: channelCount)
        point = TailEstimator(upperBound: 32, memorySamples: configuration.tailMemorySamples, quantile: configuration.tailQuantile)
        sustained = TailEstimator(upperBound: 32, memorySamples: configuration.tailMemorySamples, quantile: configuration.tailQuantile)
    }

    /// Changes the alert threshold only; the history is kept.
    public mutating func setThreshold(_ threshold: Double) {
        precondition(threshold > 0 && threshold <= 1)
        configuration.threshold = threshold
    }

    /// Whether the latest score reached the threshold.
    public var isAlerting: Bool { count > configuration.warmUpSamples && score >= configuration.threshold }

    /// Scores one step from its residuals (in the learner's units) and its raw values (in the
    /// sensor's units), then folds both into the history. Returns the score.
    @discardableResult
    public mutating func update(residual: UnsafeBufferPointer<Double>, values: UnsafeBufferPointer<Double>) -> Double {
        precondition(residual.count == channelCount && values.count == channelCount)
        count += 1
        var energy = 0.0
        for c in 0..<channelCount where residual[c].isFinite {
            let z = residual[c] / (1.25 * max(residualScale[c], 1e-9))
            energy += z * z
        }
        let surprise = log1p(min(energy, 1e300))
        let alpha = 2 / Double(configuration.shortRunSamples + 1)
        shortRun = count == 1 ? surprise : shortRun + alpha * (surprise - shortRun)
        pointProbability = point.tailProbability(surprise)
        sustainedProbability = sustained.tailProbability(shortRun)
        outOfRange = false
        if configuration.rangeTolerance > 0 {
            for c in 0..<channelCount where values[c].isFinite && high[c] > low[c] {
                let margin = configuration.rangeTolerance * (high[c] - low[c])
                if values[c] > high[c] + margin || values[c] < low[c] - margin { outOfRange = true }
            }
        }
        if count > configuration.warmUpSamples {
            let p = min(1, 2 * min(pointProbability, sustainedProbability))
            rawScore = outOfRange ? 1 : min(max(-log10(p) / configuration.decades, 0), 1)
        } else {
            rawScore = 0
        }
        score = rawScore
        if configuration.refractorySamples > 0 {
            if sinceAlert < configuration.refractorySamples {
                score = min(score, configuration.threshold * 0.5)
            }
            sinceAlert = rawScore >= configuration.threshold && sinceAlert >= configuration.refractorySamples ? 0 : min(sinceAlert + 1, Int.max / 2)
        }
        learn(residual: residual, values: values, surprise: surprise)
        return score
    }

    private mutating func learn(residual: UnsafeBufferPointer<Double>, values: UnsafeBufferPointer<Double>, surprise: Double) {
        let alpha = max(1 / Double(count), 1 / Double(configuration.residualMemorySamples))
        for c in 0..<channelCount where residual[c].isFinite {
            let size = abs(residual[c])
            let limited = count > 20 ? min(size, 4 * residualScale[c]) : size
            residualScale[c] += alpha * (limited - residualScale[c])
        }
        point.add(surprise)
        sustained.add(shortRun)
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
