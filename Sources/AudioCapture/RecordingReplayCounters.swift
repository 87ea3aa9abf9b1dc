/// A snapshot of replay progress.
public struct RecordingReplayCounters: Equatable, Sendable {
    /// Periods handed to the consumer.
    public var periodsDelivered: UInt64 = 0
    /// Frames decoded from the file (at the file's rate).
    public var framesRead: UInt64 = 0
    /// Valid frames handed out (at the configured rate; zero padding not counted).
    public var framesDelivered: UInt64 = 0

    public init() {}
}
