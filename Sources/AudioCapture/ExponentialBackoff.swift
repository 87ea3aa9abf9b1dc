/// Delays for retrying a failed device: `initial`, doubling per failure, capped at `maximum`.
public struct ExponentialBackoff: Equatable, Sendable {
    public let initial: Duration
    public let maximum: Duration
    private var current: Duration

    public init(initial: Duration, maximum: Duration) {
        precondition(initial > .zero && maximum >= initial, "back-off needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
        current = initial
    }

    /// The delay before the next attempt; each call doubles the following one up to `maximum`.
    public mutating func nextDelay() -> Duration {
        let delay = current
        current = current * 2 > maximum ? maximum : current * 2
        return delay
    }

    /// Back to `initial`, after the device worked again.
    public mutating func reset() { current = initial }
}
