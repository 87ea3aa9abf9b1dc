/// Settings of `PageHinkley`; the defaults are River 0.26's `drift.PageHinkley()`.
public struct PageHinkleyConfiguration: Sendable, Equatable {
    /// Which direction of change to test for (River's `mode`).
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case up, down, both
    }

    /// No test before this many samples since the start or the last detection (`min_instances`).
    public var minimumSamples: Int
    /// Magnitude of change tolerated per sample, in the stream's units (`delta`).
    public var delta: Double
    /// Detection threshold λ on the cumulative deviation, in the stream's units (`threshold`).
    public var threshold: Double
    /// Forgetting factor applied to the cumulative sums each sample (`alpha`).
    public var alpha: Double
    public var mode: Mode

    public init(
        minimumSamples: Int = 30, delta: Double = 0.005, threshold: Double = 50, alpha: Double = 1 - 0.0001,
        mode: Mode = .both
    ) {
        (self.minimumSamples, self.delta, self.threshold, self.alpha) = (minimumSamples, delta, threshold, alpha)
        self.mode = mode
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if minimumSamples < 1 { found.append("minimumSamples must be at least 1, got \(minimumSamples)") }
        if !(delta.isFinite && delta >= 0) { found.append("delta must be a number ≥ 0, got \(delta)") }
        if !(threshold.isFinite && threshold > 0) {
            found.append("threshold must be a positive number, got \(threshold)")
        }
        if !(alpha > 0 && alpha <= 1) { found.append("alpha must lie in (0, 1], got \(alpha)") }
        return found
    }
}
