/// Input the agent could not use as sent — a malformed sensor payload, a late target with no
/// record to join, a value clipped into its sane range — and why, named by the sensor's topic.
public struct InputRejection: Sendable, Equatable {
    public var topic: String
    public var reason: String

    /// Public so that a source outside this module can report what it rejects.
    public init(topic: String, reason: String) { (self.topic, self.reason) = (topic, reason) }
}
