import Foundation
import MQTTTransport
import TestSupport
import Testing

/// Issue 16, item 3: sensors at QoS 1 in the agent's persistent session lose nothing when the
/// broker restarts, and the agent is back within about a second; the old setting (QoS 0, a clean
/// session) loses what was sent meanwhile, which shows the test can tell.
@Suite(.serialized) struct SensorSessionTests {
    struct Outcome {
        var records: Int
        var reconnectSeconds: Double
    }

    /// `count` sensor messages at about 400/s through a broker restart a second in;
    /// returns the agent's record lines and how long after the broker's return the agent reconnected.
    static func run(id: String, qos: Int? = nil, sessionExpiry: Int? = nil, count: Int = 1_500) async throws -> Outcome {
        let broker = try await MosquittoBroker.start(MosquittoBroker.Options(persistence: true))
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-session")
        let configuration = RunMQTTTests.sensorConfiguration(
            port: broker.port, directory: directory, id: id, extra: "drift:\n  enabled: false\noutputs:\n  stdout: true",
            sensors: "sensors:\n  - topic: plant/\(id)" + (qos.map { "\nqos: \($0)" } ?? ""),
            mqttExtra: sessionExpiry.map { "session_expiry_seconds: \($0)" } ?? "")
        let agent = try AgentProcess(configuration: configuration, in: directory)
        defer { agent.child.killAndReap() }
        try await broker.waitForSubscription(clientID: "hamlet-\(id)", filter: "plant/\(id)", timeout: .seconds(10))
        // The sensor keeps its QoS 1 messages in its own outbox while the broker is away.
        let sensor = try MQTTClient(configuration: MQTTConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "sensor-\(id)", cleanStart: false, sessionExpirySeconds: 600,
            reconnect: .init(initial: .milliseconds(100), maximum: .milliseconds(200))))
        defer { sensor.close() }
        // A listener in a persistent session of its own, to know when the broker has passed everything on.
        let listener = try MQTTClient(configuration: MQTTConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "listen-\(id)", cleanStart: false, sessionExpirySeconds: 600,
            messageDelivery: .queue(capacity: 100_000)))
        try listener.subscribe("plant/\(id)", qos: .atLeastOnce)
        listener.start()
        defer { listener.close() }
        try await broker.waitForSubscription(clientID: "listen-\(id)", filter: "plant/\(id)", timeout: .seconds(10))
        sensor.start()
        #expect(sensor.waitUntilConnected(timeout: .seconds(5)))
        // The broker stops a second in, stays away a second, and comes back, while the sensor goes on publishing.
        let restart = Task { () -> Double in
            try await Task.sleep(for: .seconds(1))
            broker.signal(SIGTERM)  // mosquitto saves the sessions on a clean stop
            _ = await waitFor(.seconds(5)) { !broker.isRunning }
            try await Task.sleep(for: .seconds(1))
            let connectionsBefore = broker.log.components(separatedBy: " as hamlet-\(id) (").count
            try await broker.launch()
            let back = ContinuousClock.now
            _ = await waitFor(.seconds(10)) { broker.log.components(separatedBy: " as hamlet-\(id) (").count > connectionsBefore }
            let waited = (ContinuousClock.now - back).components
            return Double(waited.seconds) + Double(waited.attoseconds) / 1e18
        }
        for i in 0..<count {
            sensor.publish(topic: "plant/\(id)", payload: Array("\(sin(Double(i) * 0.1))".utf8), qos: .atLeastOnce)
            try await Task.sleep(for: .milliseconds(2))
        }
        let reconnectSeconds = try await restart.value
        // The broker has delivered what it will when a listener of the same QoS has it all.
        _ = await waitFor(.seconds(10)) { listener.messages!.count >= count }
        try await Task.sleep(for: .seconds(1))
        // stdout is written in blocks: count the records once the agent has stopped and flushed.
        #expect(await agent.terminate() == 0, "stderr: \(agent.standardError)")
        let records = agent.lines.filter { $0["type"] as? String == "record" }.count
        return Outcome(records: records, reconnectSeconds: reconnectSeconds)
    }

    @Test("QoS 1 in a persistent session (the defaults): no sensor message is lost over a broker restart")
    func defaultsLoseNothing() async throws {
        let outcome = try await Self.run(id: "keep")
        print("defaults: \(outcome.records) records of 1,500 messages; the agent reconnected \(outcome.reconnectSeconds) s after the broker")
        // At least once: a message in flight at the stop may come twice, none may be missing.
        #expect(outcome.records >= 1_500 && outcome.records <= 1_520, "\(outcome.records) records")
        // A guard against a back-off gone slow (minutes), not the figure: the suite runs agents in
        // parallel on two cores, where this took up to 2.8 s; alone it takes 0.6–0.9 s, and the
        // ≤ 1 s figure comes from Scripts/soak.sh (30 restarts, nothing else running).
        #expect(outcome.reconnectSeconds <= 5, "reconnected after \(outcome.reconnectSeconds) s")
    }

    @Test("QoS 0 and a clean session (the old settings) lose what was sent while the agent was away")
    func cleanSessionLosesMessages() async throws {
        let outcome = try await Self.run(id: "lose", qos: 0, sessionExpiry: 0)
        print("qos 0, clean session: \(outcome.records) records of 1,500 messages")
        #expect(outcome.records < 1_500, "the control must lose messages, or the other test proves nothing")
    }
}
