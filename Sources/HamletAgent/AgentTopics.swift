/// The agent's MQTT topics, all under one prefix (default `hamlet/<agent id>`).
public struct AgentTopics: Sendable, Equatable {
    public var prefix: String

    public init(prefix: String) { self.prefix = prefix }

    /// Predictions, QoS 0, rate-limited by configuration.
    public var prediction: String { prefix + "/prediction" }
    /// Drift alerts, QoS 1, kept before predictions in a full outbox.
    public var alert: String { prefix + "/alert" }
    /// One message per rejected sensor payload, with the reason.
    public var errors: String { prefix + "/errors" }
    /// Retained `online`/`offline` (the Will).
    public var status: String { prefix + "/status" }
    /// Periodic metrics.
    public var metrics: String { prefix + "/metrics" }
    /// Control commands in.
    public var control: String { prefix + "/control" }
    /// Replies for clients without MQTT 5 response topics.
    public var controlReply: String { prefix + "/control/reply" }
}
