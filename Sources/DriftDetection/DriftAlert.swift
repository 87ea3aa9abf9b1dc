/// One alert raised by a `DriftMonitor`: who, which way, on what evidence, at which sample.
public struct DriftAlert: Sendable, Equatable, CustomStringConvertible {
    /// The detector's `name`.
    public var detector: String
    public var kind: DriftKind
    /// The detector's statistic at the alerting sample.
    public var statistic: Double
    /// The value the statistic exceeded.
    public var threshold: Double
    /// 0-based index of the alerting sample among all samples given to the monitor.
    public var sampleIndex: Int

    public init(detector: String, kind: DriftKind, statistic: Double, threshold: Double, sampleIndex: Int) {
        (self.detector, self.kind, self.statistic, self.threshold) = (detector, kind, statistic, threshold)
        self.sampleIndex = sampleIndex
    }

    public var description: String {
        "\(detector) \(kind.rawValue) at sample \(sampleIndex): statistic \(statistic) > threshold \(threshold)"
    }
}
