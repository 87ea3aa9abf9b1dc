import Foundation
import MQTTTransport
import TestSupport
import Testing

/// Issue 16, item 2: alerts raised while the broker is away outlive the agent. The broker stops,
/// a synthetic stream changes and the agent raises alerts into its durable outbox, the agent is
/// stopped (SIGTERM) or killed (SIGKILL), the broker comes back and the agent starts again (with
/// drift off, so it raises nothing new): every alert raised arrives, by `id`, and none twice.
@Suite(.serialized) struct DurableAlertTests {
    struct Outcome {
        var raised: [String]
        var delivered: [String]
        var exitStatus: Int32?
        /// From the stop signal to the agent's exit.
        var stopSeconds: Double
        var firstStandardError: String
        var outboxBytesBetween: Int
        var outboxBytesAfter: Int
    }

    static func configuration(id: String, port: Int, directory: TestSupport.TemporaryDirectory, drift: Bool, durable: Bool) -> String {
        // The synthetic stream changes 2.5 s in; the detectors are warm by then.
        """
        mqtt: {host: 127.0.0.1, port: \(port), shutdown_wait_seconds: 1, outbox: {durable: \(durable)}}
        agent: {id: \(id), state_directory: "\(directory.file("state"))"}
        source: {kind: synthetic, synthetic: {channels: 2, rate_hz: 1000, change_at: 2500, steps: 0}}
        model: {state_size: 8}
        drift: {enabled: \(drift), warm_up: 1500, cooldown: 300}
        outputs: {stdout: false}
        """
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    /// The ids of the alerts the agent logged (`alert <id>: {…}`), in order.
    static func loggedAlertIDs(_ log: String) -> [String] {
        log.split(separator: "\n").compactMap { line in
            guard let match = line.firstMatch(of: /alert (\S+): \{/) else { return nil }
            return String(match.1)
        }
    }

    static func run(id: String, stop signal: Int32, durable: Bool = true) async throws -> Outcome {
        let broker = try await MosquittoBroker.start(MosquittoBroker.Options(persistence: true))
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-durable")
        // A persistent session, so that the broker keeps what arrives while this client reconnects.
        let listener = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "listen-\(id)", cleanStart: false, sessionExpirySeconds: 600,
                reconnect: .init(initial: .milliseconds(100), maximum: .milliseconds(300)), messageDelivery: .queue(capacity: 10_000)))
        defer { listener.close() }
        try listener.subscribe("hamlet/\(id)/alert", qos: .atLeastOnce)
        listener.start()
        #expect(listener.waitUntilConnected(timeout: .seconds(5)))
        try await broker.waitForSubscription(clientID: "listen-\(id)", filter: "hamlet/\(id)/alert")

        let agent = try AgentProcess(
            configuration: configuration(id: id, port: broker.port, directory: directory, drift: true, durable: durable), in: directory)
        defer { agent.child.killAndReap() }
        try await broker.waitForConnection(clientID: "hamlet-\(id)", timeout: .seconds(10))
        broker.stop()  // SIGTERM: mosquitto saves the listener's session; the change comes about 2.5 s in
        // Alerts while the broker is away: wait for the first, then for those that follow it.
        let alerted = await waitFor(.seconds(30)) { !loggedAlertIDs(agent.standardError).isEmpty }
        #expect(alerted, "no alert; stderr: \(agent.standardError)")
        try await Task.sleep(for: .seconds(2))
        var exitStatus: Int32? = nil
        let stopping = ContinuousClock.now
        if signal == SIGTERM {
            exitStatus = await agent.terminate(timeout: .seconds(15))
        } else {
            agent.child.kill(SIGKILL)
            exitStatus = await agent.child.wait(timeout: .seconds(10))
        }
        let stopped = (ContinuousClock.now - stopping).components
        let stopSeconds = Double(stopped.seconds) + Double(stopped.attoseconds) / 1e18
        let firstStandardError = agent.standardError
        let raised = loggedAlertIDs(firstStandardError)
        let outboxPath = directory.file("state/mqtt-outbox.log")
        let outboxBytesBetween = fileSize(outboxPath)

        try await broker.launch()
        try directory.write("hamlet.yaml", configuration(id: id, port: broker.port, directory: directory, drift: false, durable: durable))
        try agent.restart()
        // Everything raised, then a quiet second and a half for any duplicate to show itself.
        var delivered: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, Set(delivered).count < raised.count, durable {
            if let message = listener.messages!.pop(timeout: .milliseconds(200)) { delivered.append(alertID(message)) }
        }
        while let message = listener.messages!.pop(timeout: .milliseconds(1500)) { delivered.append(alertID(message)) }
        #expect(await agent.terminate() == 0, "stderr: \(agent.standardError)")
        return Outcome(
            raised: raised, delivered: delivered, exitStatus: exitStatus, stopSeconds: stopSeconds,
            firstStandardError: firstStandardError,
            outboxBytesBetween: outboxBytesBetween, outboxBytesAfter: fileSize(outboxPath))
    }

    static func alertID(_ message: MQTTMessage) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(message.payload))) as? [String: Any]
        return object?["id"] as? String ?? "(no id: \(message.payloadText))"
    }

    static func check(_ outcome: Outcome, _ label: String) {
        let duplicates = outcome.delivered.count - Set(outcome.delivered).count
        print(
            "\(label): \(outcome.raised.count) alerts raised while the broker was away, \(outcome.delivered.count) delivered "
                + "(\(Set(outcome.delivered).count) distinct ids, \(duplicates) duplicates); outbox file \(outcome.outboxBytesBetween) "
                + "bytes between the runs, \(outcome.outboxBytesAfter) after")
        #expect(!outcome.raised.isEmpty)
        #expect(Set(outcome.raised).count == outcome.raised.count, "ids are unique")
        #expect(Set(outcome.delivered) == Set(outcome.raised), "raised \(outcome.raised), delivered \(outcome.delivered)")
        #expect(duplicates == 0, "nothing was in flight (the broker was away): no alert may come twice")
        #expect(outcome.delivered == outcome.raised, "in the order raised")
        #expect(outcome.outboxBytesBetween > 0, "the alerts were on disk between the runs")
        #expect(outcome.outboxBytesAfter == 0, "every alert acknowledged: the log is empty")
    }

    @Test("SIGTERM while the broker is away: the alerts stay on disk and arrive once after the restart")
    func alertsOutliveASIGTERM() async throws {
        let outcome = try await Self.run(id: "durterm", stop: SIGTERM)
        Self.check(outcome, "SIGTERM")
        #expect(outcome.exitStatus == 0)
        #expect(outcome.firstStandardError.contains("durable message"), "stderr: \(outcome.firstStandardError)")
        // It waited shutdown_wait_seconds (1 s) for the broker, and no longer than that and the checkpoint need.
        print("SIGTERM to exit: \(outcome.stopSeconds) s")
        #expect(outcome.stopSeconds >= 0.95 && outcome.stopSeconds < 6, "\(outcome.stopSeconds) s")
    }

    @Test("SIGKILL while the broker is away: the alerts on disk arrive once after the restart")
    func alertsOutliveASIGKILL() async throws {
        let outcome = try await Self.run(id: "durkill", stop: SIGKILL)
        Self.check(outcome, "SIGKILL")
        #expect(outcome.exitStatus == 128 + SIGKILL, "killed, not ended by itself")
    }

    @Test("Control: with the durable outbox off, the alerts raised while the broker is away die with the agent")
    func alertsInMemoryDieWithTheAgent() async throws {
        let outcome = try await Self.run(id: "durnone", stop: SIGKILL, durable: false)
        print("durable off, SIGKILL: \(outcome.raised.count) alerts raised, \(outcome.delivered.count) delivered")
        #expect(!outcome.raised.isEmpty)
        #expect(outcome.delivered.isEmpty, "the control must lose them, or the other tests prove nothing")
        #expect(outcome.outboxBytesBetween == -1, "no outbox file at all")
    }
}
