/// A change detector over a scalar stream, fed one sample at a time.
///
/// Conforming types allocate nothing in `update` once constructed and are used by one thread at
/// a time. `statistic` and `threshold` share units, so that `DriftMonitor` can re-arm after the
/// statistic falls back below a fraction of the threshold.
public protocol DriftDetector: Sendable {
    /// A short, stable name for alerts and logs, such as "adwin".
    var name: String { get }
    /// The value `statistic` must exceed for a detection.
    var threshold: Double { get }
    /// The test statistic after the latest sample (0 while the detector cannot test yet).
    var statistic: Double { get }
    /// Folds in one sample; returns a signal when this sample completes a detection.
    mutating func update(_ x: Double) -> DriftSignal?
}
