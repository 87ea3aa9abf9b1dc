import ControlPlane
import JSONText
import Logging
import MQTTTransport
import ServiceSupport
import SystemPrimitives
import LearningPipeline

/// The agent's outputs on its MQTT topics: predictions (with a `"time"` field, milliseconds since
/// the epoch) at QoS 0, thinned to every `every`-th and to at most `maximumRateHz` per second;
/// alerts at QoS 1, durable (on disk until the broker has them, when the client has a durable
/// outbox), never thinned, each with an `"id"` (`AlertIdentity`) and logged with it; rejected
/// input on the errors topic, metrics on the metrics topic, control replies where they are routed.
public final class MQTTOutputSink: OutputSink {
    private let link: AgentMQTTLink
    /// Publish every k-th prediction (≥ 1).
    public var every: Int {
        didSet { precondition(every >= 1, "MQTTOutputSink.every must be at least 1") }
    }
    /// At most this many predictions per second; 0 = unlimited.
    public var maximumRateHz: Double {
        didSet { precondition(maximumRateHz >= 0 && maximumRateHz.isFinite, "maximumRateHz must be ≥ 0") }
    }
    /// Predictions not published because of `every` or `maximumRateHz`.
    public private(set) var thinned = 0
    private var seen = 0
    private var lastPublished = -Double.infinity
    private var alertIDs: AlertIdentity
    private let logger: Logger?

    /// `logger` gets one line per alert, with its id.
    public init(link: AgentMQTTLink, every: Int = 1, maximumRateHz: Double = 0, logger: Logger? = nil) {
        precondition(every >= 1 && maximumRateHz >= 0)
        self.link = link
        self.every = every
        self.maximumRateHz = maximumRateHz
        self.logger = logger
        alertIDs = AlertIdentity(source: link.client.configuration.clientID)
    }

    public func prediction(_ report: PredictionReport) throws(LearnError) {
        seen += 1
        guard seen % every == 0 else {
            thinned += 1
            return
        }
        if maximumRateHz > 0 {
            let now = MonotonicClock.nowSeconds()
            guard now - lastPublished >= 1 / maximumRateHz else {
                thinned += 1
                return
            }
            lastPublished = now
        }
        let line = JSONLine.text(report, trailing: ",\"time\":\(AgentClock.epochMilliseconds())")
        // Written with the rest of the burst when the source next waits for input.
        link.client.publish(topic: link.topics.prediction, payload: Array(line.utf8), qos: .atMostOnce, deferWrite: true)
    }

    public func alert(_ report: AlertReport) throws(LearnError) {
        var report = report
        if report.id == nil { report.id = alertIDs.next() }
        let id = report.id!
        let line = JSONLine.text(report, trailing: ",\"time\":\(AgentClock.epochMilliseconds())")
        let outcome = link.client.publish(
            topic: link.topics.alert, payload: Array(line.utf8), qos: .atLeastOnce, priority: true, durable: true)
        if case .dropped(let reason) = outcome {
            logger?.warning("alert \(id) not published (\(reason)): \(line)")
        } else {
            logger?.notice("alert \(id): \(line)")
        }
    }

    public func rejected(_ rejection: InputRejection) {
        link.client.publish(topic: link.topics.errors, payload: Array(JSONLine.text(rejection).utf8), qos: .atMostOnce)
    }

    public func metrics(_ snapshot: MetricsSnapshot) {
        link.client.publish(topic: link.topics.metrics, payload: Array(snapshot.jsonText.utf8), qos: .atMostOnce)
    }

    public func reply(_ reply: ControlReply) {
        let publication = reply.publication
        link.client.publish(
            topic: publication.topic, payload: publication.payload, qos: .atLeastOnce, properties: publication.properties,
            priority: true)
    }

    /// Writes the predictions held back for one TCP segment; closing the link waits for what is unacknowledged.
    public func flush() throws(LearnError) { link.client.flushDeferredWrites() }
}
