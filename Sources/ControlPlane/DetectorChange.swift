/// The drift detector a `set-detector` request selects, with its sensitivity.
public enum DetectorChange: Sendable, Equatable {
    /// CUSUM with this decision interval (finite, > 0).
    case cusum(threshold: Double)
    /// ADWIN with this confidence delta, in (0, 1).
    case adwin(delta: Double)
    /// Page-Hinkley with this threshold (finite, > 0).
    case pageHinkley(threshold: Double)
    /// Anomaly-score alerts above this score, in (0, 1).
    case anomalyScore(threshold: Double)

    /// The detector's wire name: `cusum`, `adwin`, `page-hinkley`, `anomaly-score`.
    public var detectorName: String {
        switch self {
        case .cusum: "cusum"
        case .adwin: "adwin"
        case .pageHinkley: "page-hinkley"
        case .anomalyScore: "anomaly-score"
        }
    }
}
