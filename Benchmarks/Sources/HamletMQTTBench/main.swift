// hamlet-mqtt-bench: sensor messages in through a real mosquitto broker, one learning step per
// message, predictions out through the same broker; next to the broker's raw relay of the same
// offered load, measured in the same run.
//
//   hamlet-mqtt-bench [--messages N] [--rate MSG_PER_S|max] [--state-size N] [--publish-every K] [--window N]
//                     [--latencies PREFIX]
import Foundation
import HamiltonianLearning
import HamletAgent
import LearningPipeline
import MQTTTransport
import StreamFeatures
import Synchronization
import ThreadScheduling
import Logging

struct Settings {
    var messages = 100_000
    var rate = 20_000.0
    var stateSize = 32
    var publishEvery = 1
    /// Also print p50/p99/max per window of this many messages (0 = no), to tell a start-up transient from steady state.
    var window = 0
    /// Also write each path's messages as "index send-time latency" lines (seconds, CLOCK_MONOTONIC) to PREFIX-<path>.txt,
    /// to see the shape of a slow stretch (a stall ramps up at 1 ms per ms, a slowdown less steeply).
    var latencyPrefix: String? = nil

    init(arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            func count(atLeast minimum: Int) throws -> Int {
                guard let number = Int(value), number >= minimum else {
                    throw BenchError("\(flag) needs a whole number of at least \(minimum), not '\(value)'")
                }
                return number
            }
            switch flag {
            case "--messages": messages = try count(atLeast: 1)
            case "--rate":
                // `max`: no pacing, as fast as the publisher can write.
                guard let number = value == "max" ? Double.infinity : Double(value), number > 0 else {
                    throw BenchError("--rate needs messages per second above 0, or max; not '\(value)'")
                }
                rate = number
            case "--state-size": stateSize = try count(atLeast: 1)
            case "--publish-every": publishEvery = try count(atLeast: 1)
            case "--window": window = try count(atLeast: 0)
            case "--latencies": latencyPrefix = value
            default:
                throw BenchError(
                    "unknown option \(flag); use --messages, --rate, --state-size, --publish-every, --window, --latencies")
            }
        }
    }
}

/// Sends `count` messages at `rate` per second (paced by the clock), recording each send time.
func publishPaced(_ peer: RawMQTTPeer, topic: String, count: Int, rate: Double, payload: (Int) -> [UInt8]) throws -> [Double] {
    var sent = [Double](repeating: 0, count: count)
    let start = monotonicSeconds()
    for index in 0..<count {
        let due = start + Double(index) / rate
        // Sleep rather than spin, so the publisher does not take a core from the broker and the
        // agent on a two-core machine; messages leave in bursts of about a millisecond.
        let early = due - monotonicSeconds()
        if early > 0.0005 { usleep(useconds_t(early * 1e6)) }
        let bytes = payload(index)
        sent[index] = monotonicSeconds()
        try peer.publish(topic: topic, payload: bytes)
    }
    return sent
}

/// Receives until `expected` messages or 2 s of silence; returns (index, receipt time) pairs.
func receive(_ peer: RawMQTTPeer, expected: Int, index: (UnsafeRawBufferPointer) -> Int?) -> [(Int, Double)] {
    var got: [(Int, Double)] = []
    got.reserveCapacity(expected)
    do {
        try peer.receive(expected: expected, silence: 2) { payload, readAt in
            if let i = index(payload) { got.append((i, readAt)) }
        }
    } catch {
        print("receiver stopped: \(error)")
    }
    return got
}

/// The latency summary; with `window` > 0 it first prints the percentiles of every `window` messages.
func summary(sent: [Double], received: [(Int, Double)], path: String, settings: Settings) -> LatencySummary {
    let received = received.filter { i, _ in i >= 0 && i < sent.count }
    let latencies = received.map { i, t in t - sent[i] }
    let window = settings.window
    if let prefix = settings.latencyPrefix {
        let lines = received.map { i, t in "\(i) \(sent[i]) \(t - sent[i])\n" }.joined()
        if !FileManager.default.createFile(atPath: "\(prefix)-\(path).txt", contents: Data(lines.utf8)) {
            print("cannot write \(prefix)-\(path).txt")
        }
    }
    if window > 0 {
        for start in stride(from: 0, to: latencies.count, by: window) {
            let part = LatencySummary(sent: 0, latencies: Array(latencies[start..<min(start + window, latencies.count)]), seconds: 1)
            print(String(format: "  received %6d…: p50 %.3f ms, p99 %.3f ms, max %.1f ms", start, part.p50Milliseconds, part.p99Milliseconds, part.maxMilliseconds))
        }
    }
    let seconds = (received.last?.1 ?? sent[0]) - sent[0]
    return LatencySummary(sent: sent.count, latencies: latencies, seconds: seconds)
}

func connectedClient(port: Int, id: String, subscribe topic: String) throws -> MQTTClient {
    try ThreadCPU.labeling(id) { try startClient(port: port, id: id, subscribe: topic) }
}

private func startClient(port: Int, id: String, subscribe topic: String) throws -> MQTTClient {
    let client = try MQTTClient(
        configuration: MQTTConfiguration(
            host: "127.0.0.1", port: port, clientID: id, outbox: MQTTOutboxLimits(maximumMessages: 1 << 20, maximumBytes: 1 << 28),
            messageDelivery: .queue(capacity: 1 << 16)))
    try client.subscribe(topic, qos: .atMostOnce)
    client.start()
    guard client.waitUntilConnected(timeout: .seconds(5)) else { throw BenchError("\(id) could not connect") }
    return client
}

/// The benchmark's publisher and subscriber (see `RawMQTTPeer`), the subscriber subscribed to `topic`.
func peers(port: Int, name: String, subscribe topic: String) throws -> (publisher: RawMQTTPeer, subscriber: RawMQTTPeer) {
    let subscriber = try RawMQTTPeer(port: port, clientID: "\(name)-sub")
    try subscriber.subscribe(topic)
    return (try RawMQTTPeer(port: port, clientID: "\(name)-pub"), subscriber)
}

/// Publishes `payload(i)` on `topic` at the offered rate while `subscriber` receives on its own
/// thread; the latency of each message from its send time, found by `index` in what arrives.
func measure(
    _ path: String, publisher: RawMQTTPeer, topic: String, subscriber: RawMQTTPeer, broker: BenchBroker,
    settings: Settings, payload: (Int) -> [UInt8], index: @escaping @Sendable (UnsafeRawBufferPointer) -> Int?
) throws -> LatencySummary {
    nonisolated(unsafe) var received: [(Int, Double)] = []
    nonisolated(unsafe) var after: ThreadCPU? = nil
    nonisolated(unsafe) let peer = subscriber
    let named = Atomic<Bool>(false)
    let brokerPID = broker.pid
    let receiver = Thread {
        Thread.current.name = "receiver"
        named.store(true, ordering: .releasing)
        received = receive(peer, expected: settings.messages, index: index)
        // Sampled here, while this thread is still alive to be counted.
        after = ThreadCPU.sample(brokerPID: brokerPID)
    }
    receiver.start()
    while !named.load(ordering: .acquiring) { usleep(1_000) }
    let before = ThreadCPU.sample(brokerPID: brokerPID)
    let sent = try publishPaced(publisher, topic: topic, count: settings.messages, rate: settings.rate, payload: payload)
    while !receiver.isFinished { usleep(10_000) }
    if let after { print(ThreadCPU.report(from: before, to: after, messages: settings.messages)) }
    publisher.disconnect()
    subscriber.disconnect()
    return summary(sent: sent, received: received, path: path, settings: settings)
}

/// 8-byte message indices, as the raw relay and the relay client carry them.
func indexPayload(_ index: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(index)) { Array($0) } }

@Sendable func indexIn(_ payload: UnsafeRawBufferPointer) -> Int? {
    payload.count == 8 ? Int(payload.loadUnaligned(as: UInt64.self)) : nil
}

/// Broker alone: publisher → mosquitto → subscriber.
func measureRawRelay(broker: BenchBroker, settings: Settings) throws -> LatencySummary {
    let (publisher, subscriber) = try peers(port: broker.port, name: "bench-raw", subscribe: "bench/raw")
    return try measure(
        "raw", publisher: publisher, topic: "bench/raw", subscriber: subscriber, broker: broker, settings: settings,
        payload: indexPayload, index: indexIn)
}

/// Two hops without learning: publisher → mosquitto → a client that republishes each message
/// from a plain thread → mosquitto → subscriber. The agent's path minus the agent's own work.
func measureTwoHopRelay(broker: BenchBroker, settings: Settings) throws -> LatencySummary {
    let relay = try connectedClient(port: broker.port, id: "bench-relay", subscribe: "bench/hop1")
    defer { relay.close() }
    let (publisher, subscriber) = try peers(port: broker.port, name: "bench-relay", subscribe: "bench/hop2")
    let forwarder = Thread {
        Thread.current.name = "forwarder"
        while let message = relay.messages!.pop(timeout: .seconds(3)) {
            relay.publish(topic: "bench/hop2", payload: message.payload, qos: .atMostOnce)
        }
    }
    forwarder.start()
    usleep(300_000)  // the relay's SUBACK
    return try measure(
        "relay", publisher: publisher, topic: "bench/hop1", subscriber: subscriber, broker: broker, settings: settings,
        payload: indexPayload, index: indexIn)
}

/// The agent: publisher → mosquitto → MQTTSensorSource → learner step → prediction → mosquitto → subscriber.
func measureAgent(broker: BenchBroker, settings: Settings) throws -> (LatencySummary, Int64) {
    let context = RunContext()
    let link = try AgentMQTTLink(
        configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "bench-agent"),
        topics: AgentTopics(prefix: "bench/agent"), logger: Logger(label: "agent", factory: { label in StreamLogHandler.standardOutput(label: label) }))
    let slot = SensorSlot(name: "sensor", topic: try TopicFilter("bench/sensor"), maximumAgeSeconds: 60)
    let source = try MQTTSensorSource(
        configuration: MQTTSensorConfiguration(slots: [slot], stepping: .perMessage), link: link,
        rejections: MQTTOutputSink(link: link), context: context)
    let model = ModelConfiguration.forecaster(ForecasterConfiguration(inputCount: 1, stateCount: settings.stateSize))
    let learner = AgentLearner(model: model, hamiltonian: HamiltonianConfiguration(gradientClip: 1), loss: .meanSquaredError, seed: 0)
    var options = LearnOptions()
    options.progressInterval = 0
    let session = LearnSession(
        learner: learner, model: model, options: options,
        mapping: try ColumnMapping(columns: ["sensor"], task: .forecast, inputs: nil, targets: [], ignored: []), reader: source,
        output: MQTTOutputSink(link: link, every: settings.publishEvery), pendingInput: nil, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    // Handed to the agent thread and not touched here again until it has finished.
    nonisolated(unsafe) let loop = (session, source)
    let agent = Thread {
        Thread.current.name = "pipeline"
        // As `hamlet learn` and `hamlet run` do: the agent's threads, its MQTT ones included, run SCHED_BATCH.
        ThreadScheduling.runningAsBatchJob(refused: { print("agent: threads stay ordinary: \($0)") }) {
            do {
                _ = try loop.0.run(first: try loop.1.next())
            } catch {
                print("agent stopped: \(error)")
            }
        }
    }
    // The agent's client threads start with the agent thread: label them before any other client starts.
    let connected = ThreadCPU.labeling("agent") {
        agent.start()
        return link.client.waitUntilConnected(timeout: .seconds(5))
    }
    guard connected else { throw BenchError("the agent could not connect") }
    let (publisher, subscriber) = try peers(port: broker.port, name: "bench-agent", subscribe: "bench/agent/prediction")
    usleep(300_000)  // the agent's SUBACK
    // Payloads made before timing starts, so that the publisher's own formatting does not compete for the CPU.
    let payloads = (0..<settings.messages).map { Array(String(Float(sin(Double($0) * 0.05))).utf8) }
    // The record index of one-slot per-message stepping is the message's index.
    let summary = try measure(
        "agent", publisher: publisher, topic: "bench/sensor", subscriber: subscriber, broker: broker, settings: settings,
        payload: { payloads[$0] }, index: tickValue)
    context.requestStop()
    while !agent.isFinished { usleep(10_000) }
    let steps = learner.stepCount
    link.close()
    return (summary, steps)
}

/// The integer after `"tick":` in a prediction payload, read without Foundation (the receiver
/// shares the two cores with everything measured).
@Sendable func tickValue(in payload: UnsafeRawBufferPointer) -> Int? {
    let key = Array("\"tick\":".utf8)
    guard payload.count > key.count else { return nil }
    for start in 0...(payload.count - key.count) where payload[start] == key[0] {
        guard key.indices.allSatisfy({ payload[start + $0] == key[$0] }) else { continue }
        var value = 0
        var index = start + key.count
        while index < payload.count, payload[index] >= 48, payload[index] <= 57 {
            value = value * 10 + Int(payload[index] - 48)
            index += 1
        }
        return value
    }
    return nil
}

func row(_ name: String, _ s: LatencySummary) -> String {
    func f(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
    return "| \(name) | \(s.sent) | \(s.received) | \(f(s.messagesPerSecond, 0)) | \(f(s.p50Milliseconds, 3)) | \(f(s.p99Milliseconds, 3)) | \(f(s.maxMilliseconds, 1)) |"
}

do {
    let settings = try Settings(arguments: CommandLine.arguments)
    let broker = try BenchBroker()
    defer { broker.stop() }
    let offered = settings.rate.isFinite ? "at \(Int(settings.rate))/s" : "as fast as possible"
    print("mosquitto on 127.0.0.1:\(broker.port); \(settings.messages) messages offered \(offered), QoS 0")
    let raw = try measureRawRelay(broker: broker, settings: settings)
    let twoHops = try measureTwoHopRelay(broker: broker, settings: settings)
    let (agent, steps) = try measureAgent(broker: broker, settings: settings)
    print("| path | sent | received | msg/s | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    print(row("broker raw relay (1 hop)", raw))
    print(row("relay client, no learning (2 hops)", twoHops))
    print(row("agent: sensor → step → prediction (2 hops, forecaster state \(settings.stateSize))", agent))
    print("agent learning steps: \(steps); agent/raw throughput ratio \(String(format: "%.2f", agent.messagesPerSecond / raw.messagesPerSecond))")
} catch {
    print("hamlet-mqtt-bench: \(error)")
    exit(1)
}
