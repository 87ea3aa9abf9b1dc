/// Which way a monitored stream changed.
public enum DriftKind: String, Sendable, Codable, CaseIterable {
    /// The level (mean) went up: for a loss stream, the learner got worse.
    case increase
    /// The level went down.
    case decrease
    /// The distribution changed without a single direction (for a detector that cannot tell).
    case change
}
