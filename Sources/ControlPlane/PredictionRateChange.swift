/// How often predictions are published, as a `set-prediction-rate` request changes it;
/// nil = leave as is. A parsed request sets at least one.
public struct PredictionRateChange: Sendable, Equatable {
    /// Publish every k-th prediction, 1…2147483647.
    public var every: Int?
    /// At most this many predictions per second, finite, ≥ 0; 0 = unlimited.
    public var maxRateHz: Double?

    public init(every: Int? = nil, maxRateHz: Double? = nil) {
        self.every = every
        self.maxRateHz = maxRateHz
    }
}
