import JSONText
import MQTTTransport

/// Where a reply goes: the request's MQTT 5 response topic with its correlation data echoed,
/// or, for MQTT 3.1.1 senders (no properties), `<prefix>/control/reply`.
public struct ControlReplyRoute: Sendable, Equatable {
    public var topic: String
    /// The request's correlation data, echoed unchanged in the reply's properties.
    public var correlationData: [UInt8]?

    public init(topic: String, correlationData: [UInt8]? = nil) {
        self.topic = topic
        self.correlationData = correlationData
    }

    /// The route for a reply to `message`, and the problem with its response topic if it has
    /// one that cannot be published to (empty, a wildcard, NUL): then the default topic.
    static func resolve(_ message: MQTTMessage, defaultTopic: String) -> (ControlReplyRoute, ControlError?) {
        let correlationData = message.properties.correlationData
        guard let responseTopic = message.properties.responseTopic else {
            return (ControlReplyRoute(topic: defaultTopic, correlationData: correlationData), nil)
        }
        if let problem = problem(withResponseTopic: responseTopic, defaultTopic: defaultTopic) {
            return (ControlReplyRoute(topic: defaultTopic, correlationData: correlationData), problem)
        }
        return (ControlReplyRoute(topic: responseTopic, correlationData: correlationData), nil)
    }

    private static func problem(withResponseTopic topic: String, defaultTopic: String) -> ControlError? {
        let fix = "set a topic name without wildcards (e.g. \(defaultTopic)); this reply went to \(defaultTopic)"
        if topic.isEmpty { return ControlError(.invalidResponseTopic, "the response topic is empty; \(fix)") }
        if topic.contains("+") || topic.contains("#") {
            return ControlError(
                .invalidResponseTopic, "the response topic \(MessageText.quoted(topic)) holds a wildcard; \(fix)")
        }
        if topic.unicodeScalars.contains("\u{0}") {
            return ControlError(.invalidResponseTopic, "the response topic holds a NUL character; \(fix)")
        }
        return nil
    }

    /// What to publish for a reply with this `payload`: the topic, the payload, and the
    /// properties (content type `application/json`, the correlation data echoed).
    public func publication(payload: [UInt8]) -> (topic: String, payload: [UInt8], properties: MQTTProperties) {
        (topic, payload, MQTTProperties(contentType: "application/json", correlationData: correlationData))
    }
}
