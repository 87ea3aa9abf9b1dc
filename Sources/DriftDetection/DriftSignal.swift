/// What a detector reports for the sample that completed a detection: direction and evidence.
public struct DriftSignal: Sendable, Equatable {
    public var kind: DriftKind
    /// The detector's test statistic at this sample; exceeds `threshold`.
    public var statistic: Double
    /// The value `statistic` had to exceed, in the same units.
    public var threshold: Double

    public init(kind: DriftKind, statistic: Double, threshold: Double) {
        (self.kind, self.statistic, self.threshold) = (kind, statistic, threshold)
    }
}
