#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An anomaly score in [0, 1] for an error stream, after HTM's anomaly likelihood: how unusual
/// the recent errors are against the long-run distribution of recent errors.
///
/// At sample t, with β = 2/(shortRunSamples + 1) and the long-run moments of s (a
/// `ForgettingMoments` of memory `longRunSamples`) taken before s_t is folded in:
///
///     s_t   = s_{t−1} + β·(x_t − s_{t−1})          (s_1 = x_1)
///     z_t   = (s_t − mean_{t−1}) / max(σ_{t−1}, minimumStandardDeviation)
///     score = 1 − Q(z_t) = ½·erfc(−z_t/√2)                      (linear)
///     score = clamp(ln(Q(z_t) + 10⁻¹⁰) / ln(10⁻¹⁰), 0, 1)         (logarithmic, as HTM)
///
/// During the first `warmUpSamples` samples the score is its value at z = 0 (0.5 linear, ≈ 0.030
/// log). Comparing against the spread of s itself, not of x, makes z standard normal on a
/// stationary stream, so the linear score is then uniform on [0, 1] with mean 0.5. Only increases
/// of the error score high. Non-finite samples are ignored. Allocates nothing; one thread at a time.
public struct AnomalyScore: DriftDetector {
    public private(set) var configuration: AnomalyScoreConfiguration
    public var name: String { "anomaly-score" }
    public var threshold: Double { configuration.threshold }
    /// The latest score, in [0, 1].
    public private(set) var score: Double
    public var statistic: Double { score }
    /// The short-run average s of the raw samples.
    public private(set) var shortRunMean = 0.0
    /// Long-run mean and variance of the short-run average.
    public private(set) var longRun: ForgettingMoments
    private let shortRunWeight: Double

    /// Changes the alert threshold only; the score's history is kept. Needs a value in (0, 1).
    public mutating func setThreshold(_ threshold: Double) {
        precondition(threshold > 0 && threshold < 1, "AnomalyScore threshold must lie in (0, 1), got \(threshold)")
        configuration.threshold = threshold
    }

    public init(_ configuration: AnomalyScoreConfiguration = AnomalyScoreConfiguration()) {
        precondition(configuration.problems.isEmpty, "AnomalyScore: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        shortRunWeight = 2 / Double(configuration.shortRunSamples + 1)
        longRun = ForgettingMoments(memorySamples: configuration.longRunSamples)
        score = Self.score(z: 0, scale: configuration.scale)
    }

    /// The score for a standardised short-run mean z.
    public static func score(z: Double, scale: AnomalyScoreConfiguration.Scale) -> Double {
        switch scale {
        case .linear: GaussianTail.lower(z)
        case .logarithmic: min(max(log(GaussianTail.upper(z) + 1e-10) / log(1e-10), 0), 1)
        }
    }

    /// Folds in one sample and returns the new score (the previous score for a non-finite sample).
    @discardableResult
    public mutating func add(_ x: Double) -> Double {
        guard x.isFinite else { return score }
        shortRunMean = longRun.count == 0 ? x : shortRunMean + shortRunWeight * (x - shortRunMean)
        if longRun.count >= configuration.warmUpSamples {
            let sigma = max(longRun.standardDeviation, configuration.minimumStandardDeviation)
            score = Self.score(z: (shortRunMean - longRun.mean) / sigma, scale: configuration.scale)
        }
        longRun.add(shortRunMean)
        return score
    }

    /// Folds in one sample; signals an increase while the score exceeds the threshold.
    public mutating func update(_ x: Double) -> DriftSignal? {
        add(x) > configuration.threshold
            ? DriftSignal(kind: .increase, statistic: score, threshold: configuration.threshold) : nil
    }
}

extension AnomalyScore: SavedStateRepresentable {
    public func save(to state: inout SavedState) {
        state.append(score)
        state.append(shortRunMean)
        longRun.save(to: &state)
    }

    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        score = try reader.double()
        shortRunMean = try reader.double()
        try longRun.load(from: &reader)
    }
}
