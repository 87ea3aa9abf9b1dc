#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How surprising one model's residuals are, point by point and on two averages, each judged
/// against its own past (`TailEstimator`).
///
/// The point surprise is s = ln(1 + Σ z_c²/C) with z_c = r_c/(1.25·max(scale_c, minimumScale)),
/// scale_c each channel's mean absolute residual (updates clipped at 4 scales, so one outlier does
/// not inflate it); the sustained and the lasting surprise are exponential averages of s with
/// spans `shortRunSamples` and `longRunSamples`. Allocates only in `init`; one thread at a time.
public struct ResidualSurprise: Sendable {
    public let channelCount: Int
    public private(set) var pointProbability = 1.0
    public private(set) var sustainedProbability = 1.0
    /// The tail probability of the long average (span `longRunSamples`): a moderate rise that lasts.
    public private(set) var lastingProbability = 1.0
    public private(set) var count = 0
    private var scale: [Double]
    private var point: TailEstimator
    private var sustained: TailEstimator
    private var shortRun = 0.0
    private var longRun = 0.0
    private var lasting: TailEstimator
    private let longRunWeight: Double
    private var surprise = 0.0
    private let shortRunWeight: Double
    private let scaleMemory: Int
    /// Residuals are in the learner's units, where the input's typical deviation is 1; a model
    /// that fits a noise-free stream exactly would otherwise make every rounding error a surprise.
    public let minimumScale: Double
    /// Until the tails hold this many samples every probability is 1.
    public let minimumTailSamples: Int
    /// Probabilities read off the histogram (`TailEstimator.frequency`) instead of a fitted tail:
    /// for inputs with a few levels, mostly zero.
    public let counted: Bool

    public init(channelCount: Int, configuration: ForecastScoreConfiguration, counted: Bool = false) {
        self.counted = counted
        precondition(channelCount > 0)
        self.channelCount = channelCount
        scale = [Double](repeating: 0, count: channelCount)
        point = TailEstimator(upperBound: 32, memorySamples: configuration.tailMemorySamples, quantile: configuration.tailQuantile)
        sustained = TailEstimator(upperBound: 32, memorySamples: configuration.tailMemorySamples, quantile: configuration.tailQuantile)
        lasting = TailEstimator(upperBound: 32, memorySamples: configuration.tailMemorySamples, quantile: configuration.tailQuantile)
        shortRunWeight = 2 / Double(configuration.shortRunSamples + 1)
        longRunWeight = 2 / Double(configuration.longRunSamples + 1)
        scaleMemory = configuration.residualMemorySamples
        minimumScale = configuration.minimumResidualScale
        minimumTailSamples = configuration.minimumTailSamples
    }

    /// Appends the running state to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(count)
        state.append(shortRun)
        state.append(longRun)
        state.append(contentsOf: scale)
        point.save(to: &state)
        sustained.save(to: &state)
        lasting.save(to: &state)
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        count = try reader.int()
        shortRun = try reader.double()
        longRun = try reader.double()
        scale = try reader.doubles(channelCount)
        try point.load(from: &reader)
        try sustained.load(from: &reader)
        try lasting.load(from: &reader)
    }

    /// The smallest of the three tail probabilities.
    public var smallestProbability: Double { min(pointProbability, min(sustainedProbability, lastingProbability)) }

    /// The smaller of the two averages' tail probabilities (a rise that lasts, not one record).
    public var smallestAverageProbability: Double { min(sustainedProbability, lastingProbability) }

    /// Judges one step's residuals against the past; `learn` then folds them in.
    public mutating func judge(_ residual: [Double]) {
        precondition(residual.count == channelCount)
        var energy = 0.0
        // Before any residual has set a scale there is nothing to be surprised against.
        if count > 0 {
            for c in 0..<channelCount where residual[c].isFinite {
                let z = residual[c] / (1.25 * max(scale[c], minimumScale))
                energy += z * z
            }
        }
        surprise = log1p(min(energy, 1e300) / Double(channelCount))
        shortRun = count == 0 ? surprise : shortRun + shortRunWeight * (surprise - shortRun)
        longRun = count == 0 ? surprise : longRun + longRunWeight * (surprise - longRun)
        guard point.count >= minimumTailSamples else {
            (pointProbability, sustainedProbability, lastingProbability) = (1, 1, 1)
            return
        }
        if counted {
            lastingProbability = lasting.frequency(longRun)
            pointProbability = point.frequency(surprise)
            sustainedProbability = sustained.frequency(shortRun)
            return
        }
        lastingProbability = lasting.tailProbability(longRun)
        pointProbability = point.tailProbability(surprise)
        sustainedProbability = sustained.tailProbability(shortRun)
    }

    /// Folds the judged residuals into the scales and, with `intoTails`, the tails (leave them out
    /// while the model is still learning the stream's basics, so that its early errors do not
    /// make later ones look ordinary).
    public mutating func learn(_ residual: [Double], intoTails: Bool = true) {
        count += 1
        let alpha = max(1 / Double(count), 1 / Double(scaleMemory))
        for c in 0..<channelCount where residual[c].isFinite {
            let size = abs(residual[c])
            let limited = count > 20 ? min(size, 4 * scale[c]) : size
            scale[c] += alpha * (limited - scale[c])
        }
        guard intoTails else { return }
        point.add(surprise)
        sustained.add(shortRun)
        lasting.add(longRun)
    }
}
