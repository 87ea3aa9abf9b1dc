/// Settings of `DriftMonitor`: when a detector's signal becomes an alert.
public struct DriftMonitorConfiguration: Sendable, Equatable {
    /// No alert for samples 0 ..< warmUpSamples (the detector still learns from them).
    public var warmUpSamples: Int
    /// After an alert at sample i, no alert before sample i + cooldownSamples + 1.
    public var cooldownSamples: Int
    /// After an alert, re-arm only once the statistic has fallen below rearmFraction · threshold;
    /// nil switches hysteresis off.
    public var rearmFraction: Double?

    public init(warmUpSamples: Int = 1000, cooldownSamples: Int = 500, rearmFraction: Double? = 0.5) {
        (self.warmUpSamples, self.cooldownSamples, self.rearmFraction) = (warmUpSamples, cooldownSamples, rearmFraction)
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if warmUpSamples < 0 { found.append("warmUpSamples must be at least 0, got \(warmUpSamples)") }
        if cooldownSamples < 0 { found.append("cooldownSamples must be at least 0, got \(cooldownSamples)") }
        if let fraction = rearmFraction, !(fraction >= 0 && fraction <= 1) {
            found.append("rearmFraction must lie in [0, 1] or be absent, got \(fraction)")
        }
        return found
    }
}
