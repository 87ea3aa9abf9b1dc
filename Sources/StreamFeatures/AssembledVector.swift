/// One learning step's input vector and which of its slots had no fresh value.
public struct AssembledVector: Sendable, Equatable {
    /// Each slot's latest value, the last known one if stale, 0 if never seen.
    public var values: [Float]
    /// True where the slot's value is stale or was never seen.
    public var flagged: [Bool]
    /// Slots whose last value is older than their maximum age.
    public var staleCount: Int
    /// Slots that have never received a value.
    public var missingCount: Int

    /// Slots flagged for either reason.
    public var flaggedCount: Int { staleCount + missingCount }

    public init(values: [Float], flagged: [Bool], staleCount: Int, missingCount: Int) {
        (self.values, self.flagged, self.staleCount, self.missingCount) = (values, flagged, staleCount, missingCount)
    }
}
