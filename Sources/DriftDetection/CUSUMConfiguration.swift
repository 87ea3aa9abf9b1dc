/// Settings of `CUSUMChart`; k and h are in units of the reference standard deviation σ₀.
public struct CUSUMConfiguration: Sendable, Equatable {
    /// Samples whose mean and standard deviation become the reference μ₀, σ₀, at the start and
    /// again after every alarm (the chart is blind meanwhile).
    public var referenceSamples: Int
    /// Allowance k: half the shift, in σ₀, that the chart is tuned to catch fastest.
    public var allowance: Double
    /// Decision interval h: an alarm when either cumulative sum exceeds it.
    public var decisionInterval: Double
    /// Floor on σ₀, in the stream's units, so that a constant reference stream does not divide by zero.
    public var minimumStandardDeviation: Double

    /// k = 0.5 is tuned to a one-σ shift; h = 10 makes the in-control run length between false
    /// alarms about 70,000 samples (two-sided, Siegmund's approximation) and the delay for a one-σ
    /// shift about 20 samples.
    public init(
        referenceSamples: Int = 1000, allowance: Double = 0.5, decisionInterval: Double = 10,
        minimumStandardDeviation: Double = 1e-9
    ) {
        (self.referenceSamples, self.allowance, self.decisionInterval) = (referenceSamples, allowance, decisionInterval)
        self.minimumStandardDeviation = minimumStandardDeviation
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if referenceSamples < 2 { found.append("referenceSamples must be at least 2, got \(referenceSamples)") }
        if !(allowance.isFinite && allowance >= 0) {
            found.append("allowance must be a number ≥ 0, got \(allowance)")
        }
        if !(decisionInterval.isFinite && decisionInterval > 0) {
            found.append("decisionInterval must be a positive number, got \(decisionInterval)")
        }
        if !(minimumStandardDeviation.isFinite && minimumStandardDeviation > 0) {
            found.append("minimumStandardDeviation must be a positive number, got \(minimumStandardDeviation)")
        }
        return found
    }
}
