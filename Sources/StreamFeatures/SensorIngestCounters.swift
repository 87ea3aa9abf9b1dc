/// Running totals of what the assembler received and flagged, for metrics.
public struct SensorIngestCounters: Sendable, Equatable {
    /// Messages that updated at least one slot.
    public var accepted = 0
    /// Messages on topics no slot listens to.
    public var ignored = 0
    /// Rejected messages, indexed by `SensorPayloadError.Reason.rawValue`.
    public private(set) var rejectedByReason = [Int](repeating: 0, count: SensorPayloadError.Reason.allCases.count)
    /// Slot-steps assembled with a stale value.
    public var staleSlotEvents = 0
    /// Slot-steps assembled with a never-seen slot.
    public var missingSlotEvents = 0

    public init() {}

    /// Rejected messages of one kind.
    public func rejected(_ reason: SensorPayloadError.Reason) -> Int { rejectedByReason[reason.rawValue] }

    /// All rejected messages.
    public var rejectedTotal: Int { rejectedByReason.reduce(0, +) }

    /// Every message handed to `ingest`.
    public var received: Int { accepted + ignored + rejectedTotal }

    mutating func countRejection(_ reason: SensorPayloadError.Reason) { rejectedByReason[reason.rawValue] += 1 }
}
