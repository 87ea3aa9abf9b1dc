import Foundation
import MQTTTransport
import SafeTensors
import TestSupport
import Testing

/// `hamlet run` with MQTT sensors through a real mosquitto, against values and states that would
/// poison the learner: a 3.4e38 sensor value, and a checkpoint whose weights hold a NaN.
@Suite(.serialized) struct LearnerFaultMQTTTests {
    /// The newest checkpoint in the agent's state directory.
    static func newestCheckpoint(in directory: TestSupport.TemporaryDirectory) throws -> String {
        let folder = directory.file("state/checkpoints")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".safetensors") }.sorted()
        return folder + "/" + (try #require(names.last, "no checkpoint in \(folder)"))
    }

    /// The names of the checkpoint's F32 tensors that hold a NaN or an infinity.
    static func nonFiniteTensors(at path: String) throws -> [String] {
        let file = try SafeTensorsFile.read(path: path)
        var broken: [String] = []
        for (name, tensor) in file.tensors where tensor.dtype == .f32 {
            if try !tensor.floats().allSatisfy(\.isFinite) { broken.append(name) }
        }
        return broken.sorted()
    }

    /// Every prediction's numbers are finite (JSON null is what a non-finite one becomes).
    static func finitePredictions(_ messages: [MQTTMessage]) throws -> Bool {
        try messages.allSatisfy { message in
            let object = try #require(JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any])
            let values = try #require(object["prediction"] as? [Any])
            return values.allSatisfy { ($0 as? Double)?.isFinite == true }
        }
    }

    static func publishGood(_ client: MQTTClient, _ range: Range<Int>) {
        for i in range {
            client.publish(topic: "plant/a", payload: Array("\(sin(Double(i) * 0.2))".utf8), qos: .atLeastOnce)
            client.publish(topic: "plant/b", payload: Array(#"{"watts":\#(cos(Double(i) * 0.2))}"#.utf8), qos: .atLeastOnce)
        }
    }

    static func status(_ broker: MosquittoBroker, _ id: String, _ directory: TestSupport.TemporaryDirectory) async throws -> [String: Any] {
        let reply = try await controlRequest(#"{"command":"get-status"}"#, broker: broker, prefix: "hamlet/\(id)", version: "5", directory: directory)
        return try #require(reply["status"] as? [String: Any])
    }

    /// A broker, agent `id` on sensors plant/a and plant/b, and a client subscribed to its topics,
    /// once the agent is online and subscribed.
    static func start(
        _ id: String
    ) async throws -> (MosquittoBroker, TestSupport.TemporaryDirectory, AgentProcess, MQTTClient) {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-run-\(id)")
        let agent = try AgentProcess(
            configuration: RunMQTTTests.sensorConfiguration(port: broker.port, directory: directory, id: id), in: directory)
        let client = try RunMQTTTests.client(port: broker.port, id: "\(id)-test", subscribe: "hamlet/\(id)/#")
        #expect(try await waitFor(.seconds(10)) { try await retainedMessage("hamlet/\(id)/status", broker: broker, directory: directory) == "online" })
        try await broker.waitForSubscription(clientID: "hamlet-\(id)", filter: "plant/b")
        return (broker, directory, agent, client)
    }

    @Test func aHugeSensorValueIsClippedWithAReasonAndNeverReachesACheckpoint() async throws {
        let (broker, directory, agent, client) = try await Self.start("huge")
        defer { agent.child.killAndReap() }
        defer { client.close() }

        Self.publishGood(client, 0..<60)
        client.publish(topic: "plant/a", payload: Array("3.4e38".utf8), qos: .atLeastOnce)
        Self.publishGood(client, 60..<120)
        let received = RunMQTTTests.drain(client)

        let errors = received.filter { $0.topic == "hamlet/huge/errors" }
        #expect(errors.count == 1, "\(errors.map(\.payloadText))")
        let report = try #require(errors.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: String] })
        #expect(report["topic"] == "plant/a")
        #expect(report["reason"]?.hasPrefix("3.4e+38 is outside the sane range of \"plant/a\"") == true, "\(String(describing: report["reason"]))")
        #expect(try PayloadSchema.errors.problems(in: errors.map(\.payloadText)) == nil)
        let predictions = received.filter { $0.topic == "hamlet/huge/prediction" }
        #expect(predictions.count >= 200, "\(predictions.count) predictions; stderr: \(agent.standardError)")
        #expect(try Self.finitePredictions(predictions))
        // Clipped before it reached the learner: nothing there was ever non-finite.
        #expect(received.filter { $0.topic == "hamlet/huge/alert" && $0.payloadText.contains("learner-fault") }.isEmpty)
        let status = try await Self.status(broker, "huge", directory)
        #expect(status["clipped_values"] as? Int == 1)
        #expect(status["learner_faults"] as? Int == 0)

        #expect(await agent.terminate() == 0)
        #expect(try Self.nonFiniteTensors(at: Self.newestCheckpoint(in: directory)).isEmpty)
    }

    @Test func aCheckpointWithANaNWeightRaisesOneLearnerFaultAndIsNeverWrittenAgain() async throws {
        let (broker, directory, agent, client) = try await Self.start("nan")
        defer { agent.child.killAndReap() }
        defer { client.close() }
        Self.publishGood(client, 0..<30)
        _ = RunMQTTTests.drain(client)
        #expect(await agent.terminate() == 0)

        // A forced non-finite state: the newest checkpoint's readout bias made NaN, as a bad disk or an older bug might leave it.
        let path = try Self.newestCheckpoint(in: directory)
        var file = try SafeTensorsFile.read(path: path)
        let bias = try #require(file.tensors["weights/readout.bias"])
        var values = try bias.floats()
        values[0] = .nan
        file.tensors["weights/readout.bias"] = SafeTensor(values, shape: bias.shape)
        try file.write(to: path)
        #expect(try Self.nonFiniteTensors(at: path) == ["weights/readout.bias"])

        try agent.restart()
        #expect(try await waitFor(.seconds(10)) {
            try await retainedMessage("hamlet/nan/status", broker: broker, directory: directory) == "online" && agent.standardError.contains("restored")
        })
        try await broker.waitForSubscription(clientID: "hamlet-nan", filter: "plant/b")
        Self.publishGood(client, 30..<90)
        let received = RunMQTTTests.drain(client)
        let faults = received.filter { $0.topic == "hamlet/nan/alert" && $0.payloadText.contains("\"learner-fault\"") }
        #expect(faults.count == 1, "\(faults.map(\.payloadText)); stderr: \(agent.standardError)")
        #expect(try PayloadSchema.alert.problems(in: faults.map(\.payloadText)) == nil)
        let alert = try #require(faults.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any] })
        #expect((alert["cause"] as? String)?.contains("nan") == true, "\(alert)")
        #expect(alert["restored_step"] is NSNull, "the restored checkpoint was the only state it had: \(alert)")
        let predictions = received.filter { $0.topic == "hamlet/nan/prediction" }
        #expect(predictions.count >= 100, "\(predictions.count) predictions")
        #expect(try Self.finitePredictions(predictions))
        let status = try await Self.status(broker, "nan", directory)
        #expect(status["learner_faults"] as? Int == 1)
        let statusText = String(decoding: try JSONSerialization.data(withJSONObject: status), as: UTF8.self)
        #expect(try PayloadSchema.metrics.problems(in: [statusText]) == nil)

        #expect(await agent.terminate() == 0)
        let newest = try Self.newestCheckpoint(in: directory)
        #expect(newest != path)
        #expect(try Self.nonFiniteTensors(at: newest).isEmpty)
    }
}
