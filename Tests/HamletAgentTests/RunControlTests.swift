import Foundation
import MQTTTransport
import TestSupport
import Testing

/// `hamlet run`'s control plane against a real mosquitto, with `mosquitto_rr` as the operator:
/// MQTT 5 and 3.1.1 round trips, errors, effects, metrics, and changes surviving a restart.
@Suite(.serialized) struct RunControlTests {
    static func configuration(broker: MosquittoBroker, directory: TestSupport.TemporaryDirectory, id: String) -> String {
        """
        agent:
          id: \(id)
          state_directory: \(directory.file("state"))
        source:
          kind: synthetic
          synthetic:
            channels: 2
            rate_hz: 300
        model:
          state_size: 8
        mqtt:
          host: 127.0.0.1
          port: \(broker.port)
        metrics:
          interval_seconds: 0.3
          prometheus_file: \(directory.file("hamlet.prom"))
        checkpoints:
          every_seconds: 0
        """
    }

    @Test func controlRoundTripsInMQTT5And311AndSurviveARestart() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-control")
        let prefix = "hamlet/ctl"
        let agent = try AgentProcess(configuration: Self.configuration(broker: broker, directory: directory, id: "ctl"), in: directory)
        let online = try await waitFor(.seconds(10)) {
            try await retainedMessage(prefix + "/status", broker: broker, directory: directory) == "online"
        }
        #expect(online, "stderr: \(agent.standardError)")

        // MQTT 5: the reply comes on the response topic mosquitto_rr gave.
        let set = try await controlRequest(
            #"{"id":1,"command":"set-learning","beta":0.01,"eta":0.25}"#, broker: broker, prefix: prefix, version: "5",
            directory: directory)
        #expect(set["ok"] as? Bool == true, "\(set)")
        #expect(set["id"] as? Int == 1)
        let learning = (set["effective"] as? [String: Any])?["learning"] as? [String: Any]
        #expect(learning?["beta"] as? Double == 0.01)
        #expect(learning?["eta"] as? Double == 0.25)

        // MQTT 3.1.1: no properties, so the reply goes to <prefix>/control/reply with the id.
        let config = try await controlRequest(
            #"{"id":"b","command":"get-config"}"#, broker: broker, prefix: prefix, version: "311", directory: directory)
        #expect(config["id"] as? String == "b")
        #expect(((config["config"] as? [String: Any])?["learning"] as? [String: Any])?["beta"] as? Double == 0.01)

        // An invalid value is answered with an error that names the field, and changes nothing.
        let bad = try await controlRequest(
            #"{"id":2,"command":"set-learning","beta":-1}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        #expect(bad["ok"] as? Bool == false)
        let error = bad["error"] as? [String: Any]
        #expect(error?["code"] as? String == "out-of-range")
        #expect(error?["field"] as? String == "beta")

        let detector = try await controlRequest(
            #"{"command":"set-detector","detector":"cusum","threshold":12}"#, broker: broker, prefix: prefix, version: "5",
            directory: directory)
        #expect((((detector["effective"] as? [String: Any])?["drift"] as? [String: Any])?["cusum"] as? [String: Any])?["threshold"] as? Double == 12)
        // The forecast's own score takes the anomaly-score threshold too: it is what alerts in hamlet run.
        let score = try await controlRequest(
            #"{"command":"set-detector","detector":"anomaly-score","threshold":0.7}"#, broker: broker, prefix: prefix, version: "5",
            directory: directory)
        let scoreDrift = (score["effective"] as? [String: Any])?["drift"] as? [String: Any]
        #expect((scoreDrift?["score"] as? [String: Any])?["threshold"] as? Double == 0.7, "\(score)")
        #expect((scoreDrift?["anomaly"] as? [String: Any])?["threshold"] as? Double == 0.7, "\(score)")
        let rate = try await controlRequest(
            #"{"command":"set-prediction-rate","every":3}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        #expect(rate["ok"] as? Bool == true, "\(rate)")

        let paused = try await controlRequest(#"{"command":"pause"}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        #expect(paused["ok"] as? Bool == true)
        let status = try await controlRequest(#"{"command":"get-status"}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        #expect((status["status"] as? [String: Any])?["paused"] as? Bool == true)

        let checkpoint = try await controlRequest(#"{"command":"checkpoint"}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        let checkpointPath = try #require((checkpoint["effective"] as? [String: Any])?["checkpoint"] as? String, "\(checkpoint)")
        #expect(FileManager.default.fileExists(atPath: checkpointPath))

        // Every reply seen so far is valid against the reply schema.
        let replies = [set, config, bad, detector, score, rate, paused, status, checkpoint].map {
            String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self)
        }
        #expect(try PayloadSchema.controlReply.problems(in: replies) == nil)

        // Metrics on MQTT (schema-valid) and in the Prometheus text file.
        let metrics = try await runCommand(
            try requireExecutable("mosquitto_sub"), ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", prefix + "/metrics", "-C", "2", "-W", "5"],
            in: directory)
        let metricLines = metrics.output.split(separator: "\n").map(String.init)
        #expect(metricLines.count == 2)
        #expect(try PayloadSchema.metrics.problems(in: metricLines) == nil)
        let prometheus = (try? String(contentsOfFile: directory.file("hamlet.prom"), encoding: .utf8)) ?? ""
        #expect(prometheus.contains("hamlet_steps_total{agent=\"ctl\"}"), "\(prometheus)")

        #expect(await agent.terminate() == 0, "stderr: \(agent.standardError)")
        #expect(try await retainedMessage(prefix + "/status", broker: broker, directory: directory) == "offline")

        // The accepted changes were saved and are in force after a restart.
        try agent.restart()
        _ = try await waitFor(.seconds(10)) {
            try await retainedMessage(prefix + "/status", broker: broker, directory: directory) == "online"
        }
        let after = try await controlRequest(#"{"command":"get-config"}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        let settings = after["config"] as? [String: Any]
        #expect((settings?["learning"] as? [String: Any])?["beta"] as? Double == 0.01)
        #expect((settings?["outputs"] as? [String: Any])?["prediction_every"] as? Int == 3)
        #expect(((settings?["drift"] as? [String: Any])?["cusum"] as? [String: Any])?["threshold"] as? Double == 12)
        #expect(((settings?["drift"] as? [String: Any])?["score"] as? [String: Any])?["threshold"] as? Double == 0.7)
        #expect(agent.standardError.contains("restored"), "stderr: \(agent.standardError)")
        // The pause was accepted before the restart, so the restarted agent is still paused.
        let restarted = try await controlRequest(#"{"command":"get-status"}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        #expect((restarted["status"] as? [String: Any])?["paused"] as? Bool == true)
        let resumed = try await controlRequest(#"{"command":"resume"}"#, broker: broker, prefix: prefix, version: "5", directory: directory)
        #expect(((resumed["effective"] as? [String: Any])?["learning"] as? [String: Any])?["paused"] as? Bool == false)
        #expect(await agent.terminate() == 0)
    }

    /// MQTT 5 request/response with correlation data, from a client of our own: the data comes back.
    @Test func correlationDataIsEchoed() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-correlation")
        let agent = try AgentProcess(configuration: Self.configuration(broker: broker, directory: directory, id: "corr"), in: directory)
        defer { agent.child.killAndReap() }
        let client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "correlation-test", messageDelivery: .queue(capacity: 64)))
        defer { client.close() }
        try client.subscribe("answers/#", qos: .atLeastOnce)
        client.start()
        #expect(client.waitUntilConnected(timeout: .seconds(5)))
        _ = try await waitFor(.seconds(10)) {
            try await retainedMessage("hamlet/corr/status", broker: broker, directory: directory) == "online"
        }
        let correlation: [UInt8] = [0, 1, 2, 250, 251]
        client.publish(
            topic: "hamlet/corr/control", payload: Array(#"{"command":"reset-costates"}"#.utf8), qos: .atLeastOnce,
            properties: MQTTProperties(responseTopic: "answers/one", correlationData: correlation))
        let reply = try #require(client.messages!.pop(timeout: .seconds(10)), "no reply; stderr: \(agent.standardError)")
        #expect(reply.topic == "answers/one")
        #expect(reply.properties.correlationData == correlation)
        #expect(reply.properties.contentType == "application/json")
        #expect(reply.payloadText.contains(#""ok":true"#))
    }
}
