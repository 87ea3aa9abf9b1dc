import Foundation
import MQTTTransport
import SystemPrimitives
import TestSupport
import Testing

/// `hamlet run` with MQTT sensors and outputs through a real mosquitto: malformed payloads,
/// a broker restart during a stream, TLS and a wrong password.
@Suite(.serialized) struct RunMQTTTests {
    /// An MQTT-source agent on `port`; `sensors` are the lines under `source.mqtt` (two sensors by
    /// default), `extra` goes at the end of the file, `mqttExtra` at the end of the `mqtt` section.
    static func sensorConfiguration(
        port: Int, directory: TestSupport.TemporaryDirectory, id: String, extra: String = "",
        sensors: String = "sensors:\n  - topic: plant/a\n  - topic: plant/b\n    field: watts", mqttExtra: String = ""
    ) -> String {
        let source = sensors.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return """
        agent:
          id: \(id)
          state_directory: \(directory.file("state"))
        source:
          kind: mqtt
          mqtt:
        \(source)
        model:
          state_size: 8
        mqtt:
          host: 127.0.0.1
          port: \(port)
        \(mqttExtra.isEmpty ? "" : "  " + mqttExtra)
        \(extra)
        """
    }

    static func client(port: Int, id: String, subscribe filter: String? = nil) throws -> MQTTClient {
        let client = try MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: port, clientID: id, messageDelivery: .queue(capacity: 100_000)))
        if let filter { try client.subscribe(filter, qos: .atLeastOnce) }
        client.start()
        guard client.waitUntilConnected(timeout: .seconds(5)) else { throw TestFailure("\(id) could not connect") }
        return client
    }

    /// Messages received until `timeout` passes with nothing new, or at most 30 s (a feedback
    /// loop would otherwise never fall quiet).
    static func drain(_ client: MQTTClient, quiet timeout: Duration = .milliseconds(700)) -> [MQTTMessage] {
        var received: [MQTTMessage] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, let message = client.messages!.pop(timeout: timeout) { received.append(message) }
        return received
    }

    @Test func malformedPayloadsAreCountedAndReportedAndLearningGoesOn() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-malformed")
        let agent = try AgentProcess(configuration: Self.sensorConfiguration(port: broker.port, directory: directory, id: "bad"), in: directory)
        defer { agent.child.killAndReap() }
        let client = try Self.client(port: broker.port, id: "malformed-test", subscribe: "hamlet/bad/#")
        defer { client.close() }
        #expect(try await waitFor(.seconds(10)) { try await retainedMessage("hamlet/bad/status", broker: broker, directory: directory) == "online" })
        try await broker.waitForSubscription(clientID: "hamlet-bad", filter: "plant/b")

        func good(_ i: Int) {
            client.publish(topic: "plant/a", payload: Array("\(sin(Double(i) * 0.2))".utf8), qos: .atLeastOnce)
            client.publish(topic: "plant/b", payload: Array(#"{"watts":\#(cos(Double(i) * 0.2))}"#.utf8), qos: .atLeastOnce)
        }
        for i in 0..<20 { good(i) }
        let bad: [(topic: String, payload: [UInt8], reason: String)] = [
            ("plant/a", [], "empty"),
            ("plant/a", Array(repeating: UInt8(ascii: "7"), count: 200_000), "bytes"),
            ("plant/a", [0x31, 0xFF, 0xFE], "UTF-8"),
            ("plant/a", Array(#""hot""#.utf8), "string"),
            ("plant/a", Array("true".utf8), "bool"),
            ("plant/a", Array("NaN".utf8), "finite"),
            ("plant/a", Array("1e999".utf8), "1e999"),
            ("plant/a", Array("[1,2]".utf8), "2 values"),
            ("plant/a", Array(("[" + (0..<5000).map { _ in "1" }.joined(separator: ",") + "]").utf8), "values"),
            ("plant/b", Array(#"{"volts":3}"#.utf8), "watts"),
            ("plant/b", Array(#"{"watts":"high"}"#.utf8), "string"),
            ("plant/b", Array(#"{"watts":1,"watts":2}"#.utf8), "watts"),
            ("plant/b", Array("{".utf8), "JSON"),
        ]
        for message in bad { client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce) }
        for i in 20..<40 { good(i) }

        let received = Self.drain(client)
        let errors = received.filter { $0.topic == "hamlet/bad/errors" }
        #expect(errors.count == bad.count, "errors: \(errors.map(\.payloadText))")
        #expect(try PayloadSchema.errors.problems(in: errors.map(\.payloadText)) == nil)
        for (report, sent) in zip(errors, bad) {
            let object = try JSONSerialization.jsonObject(with: Data(report.payload)) as? [String: String]
            #expect(object?["topic"] == sent.topic)
            #expect(object?["reason"]?.contains(sent.reason) == true, "\(report.payloadText) for \(sent.reason)")
        }
        // Every good message after the bad ones still made a step and a prediction.
        let predictions = received.filter { $0.topic == "hamlet/bad/prediction" }
        #expect(predictions.count >= 70, "\(predictions.count) predictions; stderr: \(agent.standardError)")
        #expect(try PayloadSchema.prediction.problems(in: predictions.map(\.payloadText)) == nil)
        let status = try await controlRequest(#"{"command":"get-status"}"#, broker: broker, prefix: "hamlet/bad", version: "5", directory: directory)
        #expect((status["status"] as? [String: Any])?["bad_messages"] as? Int == bad.count)
        #expect(agent.child.isRunning)
        #expect(await agent.terminate() == 0)
    }

    /// A sensor filter that also matches the agent's own topics (`#`) must not feed its
    /// predictions, errors or status back into it.
    @Test func aWildcardSensorFilterIgnoresTheAgentsOwnTopics() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-wildcard")
        let configuration = """
            agent:
              id: wild
              state_directory: \(directory.file("state"))
            source:
              kind: mqtt
              mqtt:
                sensors:
                  - topic: "#"
            model:
              state_size: 8
            mqtt:
              host: 127.0.0.1
              port: \(broker.port)
            """
        let agent = try AgentProcess(configuration: configuration, in: directory)
        defer { agent.child.killAndReap() }
        let client = try Self.client(port: broker.port, id: "wildcard-test", subscribe: "hamlet/wild/#")
        defer { client.close() }
        try await broker.waitForSubscription(clientID: "hamlet-wild", filter: "#")
        for i in 0..<30 { client.publish(topic: "plant/x", payload: Array("\(sin(Double(i)))".utf8), qos: .atLeastOnce) }
        let received = Self.drain(client, quiet: .seconds(1))
        let predictions = received.filter { $0.topic == "hamlet/wild/prediction" }
        #expect(predictions.count == 30, "each sensor message is one step, and nothing else is")
        #expect(received.filter { $0.topic == "hamlet/wild/errors" }.isEmpty, "\(received.map(\.payloadText).prefix(5))")
        #expect(await agent.terminate() == 0)
    }

    /// The broker goes away during the change and comes back: the agent reconnects, resubscribes,
    /// sends what waited in its outbox, and every alert it raised arrives exactly as it printed it.
    @Test func brokerRestartDuringAStreamLosesNoAlert() async throws {
        let broker = try await MosquittoBroker.start(MosquittoBroker.Options(persistence: true))
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-restart")
        let configuration = """
            agent:
              id: restart
              state_directory: \(directory.file("state"))
            source:
              kind: synthetic
              synthetic:
                channels: 2
                rate_hz: 1000
                change_at: 4000
                steps: 9000
            model:
              state_size: 8
            drift:
              warm_up: 1500
              cooldown: 300
            mqtt:
              host: 127.0.0.1
              port: \(broker.port)
            outputs:
              stdout: true
              prediction_every: 10
            """
        // A persistent session, so that what the agent sends while this client is still
        // reconnecting after the restart is queued for it by the broker.
        let listener = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "restart-listener", cleanStart: false, sessionExpirySeconds: 600,
                // Back within 0.1 s of the broker: predictions are QoS 0, which the broker does not
                // keep for a client that is away, and under the parallel suite's load the default
                // back-off (0.5 s, doubling) once left the listener away until the agent had finished.
                reconnect: ExponentialBackoff(initial: .milliseconds(50), maximum: .milliseconds(100)),
                messageDelivery: .queue(capacity: 100_000)))
        defer { listener.close() }
        try listener.subscribe("hamlet/restart/#", qos: .atLeastOnce)
        listener.start()
        #expect(listener.waitUntilConnected(timeout: .seconds(5)))
        try await broker.waitForSubscription(clientID: "restart-listener", filter: "hamlet/restart/#")

        let agent = try AgentProcess(configuration: configuration, in: directory)
        defer { agent.child.killAndReap() }
        try await broker.waitForConnection(clientID: "hamlet-restart")
        try await Task.sleep(for: .milliseconds(3000))  // about step 3000 of 9000; the change is at 4000
        broker.signal(SIGTERM)  // mosquitto saves the listener's session on a clean stop
        #expect(await waitFor(.seconds(5)) { !broker.isRunning })
        try await Task.sleep(for: .milliseconds(2500))  // the change and its alerts happen while the broker is down
        try await broker.launch()
        #expect(await agent.child.wait(timeout: .seconds(30)) == 0, "stderr: \(agent.standardError)")

        let received = Self.drain(listener, quiet: .seconds(2))
        let printed = agent.lines.filter { $0["alert"] != nil }.map { "\($0["detector"]!)@\($0["step"]!)" }
        let published = received.filter { $0.topic == "hamlet/restart/alert" }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.payload))) as? [String: Any]
        }.map { "\($0["detector"]!)@\($0["step"]!)" }
        #expect(!printed.isEmpty, "no alert at all; stderr: \(agent.standardError)")
        // At-least-once: an alert in flight at the kill may come twice, in order; none may be missing.
        #expect(Set(published) == Set(printed), "printed \(printed), published \(published)")
        var deduplicated: [String] = []
        for alert in published where deduplicated.last != alert { deduplicated.append(alert) }
        #expect(deduplicated == printed)
        // Each alert has one id, printed and published alike, so the two can be matched exactly.
        let printedIDs = agent.lines.filter { $0["alert"] != nil }.compactMap { $0["id"] as? String }
        let publishedIDs = received.filter { $0.topic == "hamlet/restart/alert" }.compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.payload))) as? [String: Any])?["id"] as? String
        }
        #expect(printedIDs.count == printed.count && Set(printedIDs).count == printed.count, "\(printedIDs)")
        #expect(Set(publishedIDs) == Set(printedIDs), "printed \(printedIDs), published \(publishedIDs)")
        #expect(agent.standardError.contains("MQTT connected"), "stderr: \(agent.standardError)")
        let lastPredictionStep = received.filter { $0.topic == "hamlet/restart/prediction" }.compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.payload))) as? [String: Any])?["step"] as? Int
        }.max() ?? 0
        #expect(lastPredictionStep >= 8900, "predictions stopped at step \(lastPredictionStep)")
        #expect(try await retainedMessage("hamlet/restart/status", broker: broker, directory: directory) == "offline")
    }

    @Test func tlsWithAPasswordFileConnectsAndAWrongPasswordIsRefusedClearly() async throws {
        let broker = try await MosquittoBroker.start(
            MosquittoBroker.Options(users: [(name: "hamlet", password: "right horse")], allowAnonymous: false, tls: true))
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-tls")
        let certificates = try #require(broker.certificates)
        let passwordFile = try directory.write("password", "right horse\n")
        func configuration(id: String, password: String) -> String {
            """
            agent:
              id: \(id)
              state_directory: \(directory.file("state-\(id)"))
            source:
              kind: synthetic
              synthetic:
                channels: 2
                rate_hz: 200
            model:
              state_size: 8
            mqtt:
              host: 127.0.0.1
              port: \(broker.tlsPort!)
              username: hamlet
              password_file: \(password)
              tls:
                ca_file: \(certificates.caFile)
            """
        }
        let agent = try AgentProcess(configuration: configuration(id: "tls", password: passwordFile), in: directory)
        defer { agent.child.killAndReap() }
        #expect(await waitFor(.seconds(10)) { agent.standardError.contains("MQTT connected") }, "stderr: \(agent.standardError)")
        #expect(agent.standardError.contains(broker.tlsPort!.description))
        #expect(await agent.terminate() == 0)

        let wrongFile = try directory.write("wrong", "wrong horse\n")
        let refusedDirectory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-refused")
        let refused = try AgentProcess(configuration: configuration(id: "refused", password: wrongFile), in: refusedDirectory)
        defer { refused.child.killAndReap() }
        let clear = await waitFor(.seconds(10)) {
            refused.standardError.contains("refused the connection") && refused.standardError.contains("password")
        }
        #expect(clear, "stderr: \(refused.standardError)")
        #expect(!refused.standardError.contains("wrong horse"), "the password must never be logged")
        // It keeps retrying instead of exiting, and still stops cleanly.
        #expect(refused.child.isRunning)
        #expect(await refused.terminate() == 0)
    }
}
