/// Settings of `AnomalyScore`.
public struct AnomalyScoreConfiguration: Sendable, Equatable {
    /// How the tail probability is reported.
    public enum Scale: String, Sendable, Codable, CaseIterable {
        /// score = 1 − Q(z): 0.5 at the long-run mean, 0.9999 at z ≈ 3.72.
        case linear
        /// HTM's log likelihood, ln(Q(z) + 10⁻¹⁰) / ln(10⁻¹⁰) clamped to [0, 1]: ≈ 0.03 at z = 0,
        /// 0.4 where 1 − Q = 0.9999.
        case logarithmic
    }

    /// Span N of the short-run exponential average of the raw samples: weight β = 2/(N + 1).
    public var shortRunSamples: Int
    /// Memory τ, in samples, of the long-run mean and variance of the short-run average.
    public var longRunSamples: Int
    /// Samples during which the score stays at its z = 0 value while the long-run estimate settles.
    public var warmUpSamples: Int
    /// Floor on the long-run σ, in the stream's units.
    public var minimumStandardDeviation: Double
    public var scale: Scale
    /// `update` signals while the score exceeds this (in the chosen scale).
    public var threshold: Double

    /// Defaults after HTM's anomaly likelihood: a 10-sample short average, a long memory of
    /// 10,000 samples (HTM keeps 8,640), alerts above 1 − 10⁻⁴.
    public init(
        shortRunSamples: Int = 10, longRunSamples: Int = 10_000, warmUpSamples: Int = 1000,
        minimumStandardDeviation: Double = 1e-9, scale: Scale = .linear, threshold: Double? = nil
    ) {
        self.shortRunSamples = shortRunSamples
        self.longRunSamples = longRunSamples
        self.warmUpSamples = warmUpSamples
        self.minimumStandardDeviation = minimumStandardDeviation
        self.scale = scale
        self.threshold = threshold ?? (scale == .linear ? 0.9999 : 0.4)
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if shortRunSamples < 1 { found.append("shortRunSamples must be at least 1, got \(shortRunSamples)") }
        if longRunSamples < 2 { found.append("longRunSamples must be at least 2, got \(longRunSamples)") }
        if warmUpSamples < 2 { found.append("warmUpSamples must be at least 2, got \(warmUpSamples)") }
        if !(minimumStandardDeviation.isFinite && minimumStandardDeviation > 0) {
            found.append("minimumStandardDeviation must be a positive number, got \(minimumStandardDeviation)")
        }
        if !(threshold > 0 && threshold < 1) { found.append("threshold must lie in (0, 1), got \(threshold)") }
        return found
    }
}
