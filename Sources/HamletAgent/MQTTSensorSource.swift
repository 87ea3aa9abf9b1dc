import Glibc
import MQTTTransport
import StreamFeatures
import VectorStream

/// Records from MQTT sensor topics: one per step period, assembled from each slot's latest value.
///
/// Owns the MQTT client (also used by `predictionSink()` to publish outputs) and its retained
/// `online`/`offline` status. Records are numbered by tick from 0; no record is made until
/// every slot has had a value. A malformed payload is counted and reported on
/// `<prefix>/errors` as `{"topic":…,"reason":…}`, and the run goes on. Call from one thread.
public final class MQTTSensorSource: RecordSource {
    public let configuration: MQTTSensorConfiguration
    public let columns: [String]
    public var positionName: String { "tick" }
    /// Messages rejected as malformed or lacking a slot's value.
    public private(set) var rejectedMessages = 0
    private let client: MQTTClient
    private let queue: MQTTMessageQueue
    private let assembler: SensorVectorAssembler
    private let shouldStop: @Sendable () -> Bool
    private var nextStepTime = -Double.infinity
    private var tick = 0

    /// Creates the client and subscribes to the slots' topics; connecting starts with the first `next()`.
    /// `shouldStop` is polled at least every 200 ms so a signal ends the run cleanly.
    public init(
        configuration: MQTTSensorConfiguration, shouldStop: @escaping @Sendable () -> Bool,
        log: @escaping @Sendable (String) -> Void
    ) throws(LearnError) {
        precondition(configuration.stepPeriodSeconds > 0, "MQTTSensorSource needs stepPeriodSeconds > 0")
        precondition(configuration.publishEvery >= 1, "MQTTSensorSource needs publishEvery ≥ 1")
        self.configuration = configuration
        self.shouldStop = shouldStop
        columns = configuration.slots.map(\.name)
        assembler = SensorVectorAssembler(slots: configuration.slots)
        let mqtt = MQTTConfiguration(
            host: configuration.host, port: configuration.port, clientID: configuration.clientID,
            status: MQTTStatusConfiguration(topic: configuration.statusTopic), messageDelivery: .queue(capacity: 4096))
        do {
            client = try MQTTClient(configuration: mqtt, log: { level, message in log("MQTT \(level): \(message)") })
        } catch {
            throw .usage("\(error)")
        }
        queue = client.messages!
        for filter in Set(configuration.slots.map(\.topic.description)).sorted() {
            do {
                try client.subscribe(filter, qos: .atMostOnce)
            } catch {
                client.close()
                throw .usage("cannot subscribe to \(filter): \(error)")
            }
        }
    }

    deinit { client.close() }

    /// Publishes each prediction line (every `publishEvery`-th) and alert line to this source's broker.
    public func predictionSink() -> MQTTPredictionSink {
        MQTTPredictionSink(client: client, configuration: configuration)
    }

    /// Publishes `offline`, waits briefly for it and what is unacknowledged, and disconnects. Idempotent.
    public func close() { client.close() }

    public func next() throws(VectorInputError) -> VectorRecord? {
        if nextStepTime == -.infinity {
            client.start()
            nextStepTime = Self.monotonicSeconds() + configuration.stepPeriodSeconds
        }
        while true {
            if shouldStop() { return nil }
            let now = Self.monotonicSeconds()
            let remaining = nextStepTime - now
            if remaining <= 0 {
                // A loop that fell behind by more than a period starts afresh instead of bursting.
                nextStepTime = max(nextStepTime + configuration.stepPeriodSeconds, now)
                let vector = assembler.assemble(at: now)
                if vector.missingCount > 0 { continue }
                defer { tick += 1 }
                return VectorRecord(line: tick, values: vector.values.map { Double($0) })
            }
            let wait = Duration.nanoseconds(Int64(min(remaining, 0.2) * 1e9))
            if let message = queue.pop(timeout: wait) {
                ingest(message)
                // Take everything already waiting before looking at the clock again.
                while let more = queue.tryPop() { ingest(more) }
            } else if queue.isClosed {
                return nil
            }
        }
    }

    private func ingest(_ message: MQTTMessage) {
        let outcome = assembler.ingest(topic: message.topic, payload: message.payload, time: Self.monotonicSeconds())
        guard case .rejected(let error) = outcome else { return }
        rejectedMessages += 1
        let report = "{\"topic\":\(JSONText.string(message.topic)),\"reason\":\(JSONText.string(error.description))}"
        client.publish(topic: configuration.errorTopic, payload: Array(report.utf8), qos: .atMostOnce)
    }

    static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// Publishes `hamlet learn`'s lines: predictions (with a `"time"` field, seconds since the epoch)
/// to `<prefix>/prediction` at QoS 0, alerts to `<prefix>/alert` at QoS 1 with priority.
public final class MQTTPredictionSink: PredictionSink {
    private let client: MQTTClient
    private let configuration: MQTTSensorConfiguration
    private var predictions = 0

    init(client: MQTTClient, configuration: MQTTSensorConfiguration) {
        self.client = client
        self.configuration = configuration
    }

    public func prediction(_ line: String) throws(LearnError) {
        predictions += 1
        guard predictions % configuration.publishEvery == 0 else { return }
        client.publish(topic: configuration.predictionTopic, payload: Array(Self.addingTime(to: line).utf8), qos: .atMostOnce)
    }

    public func alert(_ line: String) throws(LearnError) {
        client.publish(topic: configuration.alertTopic, payload: Array(line.utf8), qos: .atLeastOnce, priority: true)
    }

    /// Nothing to do: the client sends on its own thread, and `close()` waits for what is unacknowledged.
    public func flush() throws(LearnError) {}

    /// `line` (a JSON object) with `"time":<epoch seconds>` added as its last field.
    static func addingTime(to line: String) -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        // Whole milliseconds divided once, so the number prints as a short decimal.
        let seconds = Double(Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000) / 1000
        guard line.hasSuffix("}") else { return line }
        return line.dropLast() + ",\"time\":\(seconds)}"
    }
}
