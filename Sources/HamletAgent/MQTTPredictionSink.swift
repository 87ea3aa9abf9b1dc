import Glibc
import JSONText
import Logging
import MQTTTransport
import SystemPrimitives

/// Publishes the session's lines: predictions (with a `"time"` field, seconds since the epoch)
/// at QoS 0, thinned to every `every`-th and to at most `maximumRateHz` per second; alerts at
/// QoS 1, durable (on disk until the broker has them, when the client has a durable outbox),
/// never thinned, each with an `"id"` (`AlertIdentity`) and logged with it.
public final class MQTTPredictionSink: PredictionSink {
    private let link: AgentMQTTLink
    /// Publish every k-th prediction (≥ 1).
    public var every: Int {
        didSet { precondition(every >= 1, "MQTTPredictionSink.every must be at least 1") }
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

    public func prediction(_ line: String) throws(LearnError) {
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
        // Written with the rest of the burst when the source next waits for input.
        link.client.publish(
            topic: link.topics.prediction, payload: Self.payload(addingTimeTo: line), qos: .atMostOnce, deferWrite: true)
    }

    public func alert(_ line: String) throws(LearnError) {
        let id = alertIDs.next()
        let outcome = link.client.publish(
            topic: link.topics.alert, payload: Self.payload(addingTimeTo: line, id: id), qos: .atLeastOnce, priority: true,
            durable: true)
        if case .dropped(let reason) = outcome {
            logger?.warning("alert \(id) not published (\(reason)): \(line)")
        } else {
            logger?.notice("alert \(id): \(line)")
        }
    }

    /// Writes the predictions held back for one TCP segment; closing the link waits for what is unacknowledged.
    public func flush() throws(LearnError) { link.client.flushDeferredWrites() }

    /// The bytes of `line` (a JSON object) with `"time":<epoch seconds>` added as its last field;
    /// built on bytes, as slicing the String cost more than the rest of the publish.
    static func payload(addingTimeTo line: String, id: String? = nil) -> [UInt8] {
        var bytes = Array(line.utf8)
        guard bytes.last == UInt8(ascii: "}") else { return bytes }
        bytes.removeLast()
        bytes.append(contentsOf: ",\"time\":\(AgentClock.epochMilliseconds())".utf8)
        if let id { bytes.append(contentsOf: ",\"id\":\(JSONText.string(id))".utf8) }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
