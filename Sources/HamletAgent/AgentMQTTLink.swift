import MQTTTransport
import Logging
import LearningPipeline

/// The agent's one MQTT connection: sensor and control messages in, outputs out.
///
/// Received messages wait in a bounded queue that the pipeline thread drains between steps, so
/// the client's loop thread never waits for learning. The client publishes the retained status
/// (`online`, and `offline` as its Will and on `close()`).
public final class AgentMQTTLink {
    public let client: MQTTClient
    public let topics: AgentTopics
    private let queue: MQTTMessageQueue

    /// Checks the settings and prepares the client; connecting starts with `start()`.
    /// `configuration`'s status topic and message delivery are set here.
    public init(configuration: MQTTConfiguration, topics: AgentTopics, logger: Logger) throws(LearnError) {
        var settings = configuration
        settings.status = MQTTStatusConfiguration(topic: topics.status)
        settings.messageDelivery = .queue(capacity: 4096)
        do {
            client = try MQTTClient(configuration: settings, logger: logger)
        } catch {
            throw .usage("\(error)")
        }
        queue = client.messages!
        self.topics = topics
    }

    deinit { client.close() }

    /// Subscribes now and after every reconnect.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atMostOnce) throws(LearnError) {
        do {
            try client.subscribe(filter, qos: qos)
        } catch {
            throw .usage("cannot subscribe to \(filter): \(error)")
        }
    }

    /// Starts connecting in the background. Idempotent.
    public func start() { client.start() }

    /// Publishes `offline`, waits briefly for what is unacknowledged, and disconnects. Idempotent.
    public func close() { client.close() }

    /// The next received message, waiting up to `timeout`; nil on timeout or once closed. Before
    /// waiting, writes the predictions held back for one TCP segment.
    public func nextMessage(timeout: Duration) -> MQTTMessage? {
        if let message = queue.tryPop() { return message }
        client.flushDeferredWrites()
        return queue.pop(timeout: timeout)
    }

    /// A received message if one is waiting.
    public func takeMessage() -> MQTTMessage? { queue.tryPop() }

    /// True once the client is closed and every received message has been taken.
    public var isClosed: Bool { queue.isClosed }

    /// Received messages dropped because the pipeline did not take them in time.
    public var droppedIncoming: UInt64 { queue.droppedCount }
}
