/// Settings of `ADWIN`; the defaults are River 0.26's `drift.ADWIN()`.
public struct ADWINConfiguration: Sendable, Equatable {
    /// Confidence δ of each cut test: smaller means fewer false alarms and later detections.
    public var delta: Double
    /// Cuts are tested on every `clock`-th sample only.
    public var clock: Int
    /// Buckets of one size kept before the two oldest merge (River's `max_buckets`).
    public var maximumBuckets: Int
    /// Neither sub-window of a tested cut may be shorter than this (`min_window_length`).
    public var minimumWindowLength: Int
    /// No cut is tested until the window holds more than this many samples (`grace_period`).
    public var gracePeriod: Int

    public init(
        delta: Double = 0.002, clock: Int = 32, maximumBuckets: Int = 5, minimumWindowLength: Int = 5,
        gracePeriod: Int = 10
    ) {
        (self.delta, self.clock, self.maximumBuckets) = (delta, clock, maximumBuckets)
        (self.minimumWindowLength, self.gracePeriod) = (minimumWindowLength, gracePeriod)
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if !(delta > 0 && delta < 1) { found.append("delta must lie in (0, 1), got \(delta)") }
        if clock < 1 { found.append("clock must be at least 1, got \(clock)") }
        if maximumBuckets < 1 { found.append("maximumBuckets must be at least 1, got \(maximumBuckets)") }
        if minimumWindowLength < 1 {
            found.append("minimumWindowLength must be at least 1, got \(minimumWindowLength)")
        }
        if gracePeriod < 0 { found.append("gracePeriod must be at least 0, got \(gracePeriod)") }
        return found
    }
}
