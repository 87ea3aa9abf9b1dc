/// Where and how much of the outbox is kept on disk: messages published with `durable: true`
/// (QoS ≥ 1) go to an append-only log at `path` before `publish` returns, stay there until the
/// broker acknowledges them, and are sent first by the next client opened on the same file. When
/// it is full, the oldest durable message is dropped (counted in `droppedDurableOutboxFull`).
public struct MQTTDurableOutboxConfiguration: Sendable, Equatable {
    /// The log file; its directory is created when missing. One client at a time may use it.
    public var path: String
    public var maximumMessages: Int
    /// Topic and payload bytes of the messages kept (the file holds some framing on top).
    public var maximumBytes: Int
    /// fdatasync every message as it is written, so that it survives a power cut too (not only
    /// a crash of the process, which a plain write survives).
    public var syncsEachAppend: Bool

    public init(path: String, maximumMessages: Int = 1_000, maximumBytes: Int = 1 << 20, syncsEachAppend: Bool = true) {
        (self.path, self.maximumMessages, self.maximumBytes) = (path, maximumMessages, maximumBytes)
        self.syncsEachAppend = syncsEachAppend
    }
}
