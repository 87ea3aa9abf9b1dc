/// What one `SensorVectorAssembler.ingest` call did with its message.
public enum SensorIngestOutcome: Sendable, Equatable {
    /// The message updated this many slots.
    case accepted(slots: Int)
    /// No slot listens to the topic.
    case ignored
    /// The message was malformed or lacked a slot's value; no slot changed.
    case rejected(SensorPayloadError)
}
