import Foundation
import MQTTTransport
import Synchronization
import TestSupport
import Testing

/// `hamlet learn --mqtt-host …` end to end: a real mosquitto, the real executable, sensor
/// messages in, predictions, errors and status out.
@Suite(.serialized) struct MQTTLearnTests {
    @Test func learnsFromSensorTopicsAndPublishesPredictions() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = "test/hamlet-\(UInt32.random(in: 0...UInt32.max))"

        // One test client publishes the sensors and records everything hamlet publishes.
        let client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "mqtt-learn-test", messageDelivery: .queue(capacity: 10_000)))
        defer { client.close() }
        try client.subscribe(prefix + "/#", qos: .atLeastOnce)
        client.start()
        #expect(client.waitUntilConnected(timeout: .seconds(5)))

        let stop = Atomic<Bool>(false)
        let publisher = Thread {
            var i = 0
            while !stop.load(ordering: .relaxed) {
                client.publish(topic: "sensors/a", payload: Array("\(sin(Double(i) * 0.3))".utf8), qos: .atMostOnce)
                client.publish(topic: "sensors/b", payload: Array("\(cos(Double(i) * 0.3))".utf8), qos: .atMostOnce)
                // Again every 30 steps: a loaded machine may start hamlet after the first one was sent.
                if i % 30 == 29 { client.publish(topic: "sensors/a", payload: Array("hot".utf8), qos: .atMostOnce) }
                i += 1
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        publisher.start()
        let result = try HamletProcess.run(
            [
                "learn", "--mqtt-host", "127.0.0.1", "--mqtt-port", "\(broker.port)", "--topic-prefix", prefix,
                "--sensor", "sensors/a", "--sensor", "sensors/b", "--step-period", "0.05", "--state-size", "8",
            ],
            interruptAfter: 3)
        stop.store(true, ordering: .relaxed)
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.lines.count >= 10, "stdout: \(result.standardOutput)\nstderr: \(result.standardError)")

        // Collect what hamlet published, in arrival order.
        var received: [MQTTMessage] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let message = client.messages!.pop(timeout: .milliseconds(200)) {
                received.append(message)
            } else if received.contains(where: { $0.topic == prefix + "/status" && $0.payloadText == "offline" }) {
                break
            }
        }
        let predictions = received.indices.filter { received[$0].topic == prefix + "/prediction" }
        #expect(predictions.count >= 10)
        for index in predictions {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(received[index].payload)) as? [String: Any],
                "not a JSON object: \(received[index].payloadText)")
            #expect(object["step"] is NSNumber)
            #expect(object["loss"] != nil)
            let time = try #require(object["time"] as? Double)
            #expect(abs(time - Date().timeIntervalSince1970) < 60)
            #expect((object["prediction"] as? [Any])?.count == 2)
        }

        // The bad payload is reported, and learning goes on after it.
        #expect(try PayloadSchema.prediction.problems(in: predictions.map { received[$0].payloadText }) == nil)
        let errors = received.indices.filter { received[$0].topic == prefix + "/errors" }
        #expect(try PayloadSchema.errors.problems(in: errors.map { received[$0].payloadText }) == nil)
        let firstError = try #require(errors.first, "no message on \(prefix)/errors")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(received[firstError].payload)) as? [String: String])
        #expect(report["topic"] == "sensors/a")
        #expect(report["reason"]?.contains("invalid JSON") == true)
        #expect((predictions.last ?? 0) > firstError)

        let status = try await retainedMessage(prefix + "/status", broker: broker, directory: broker.directory)
        #expect(status == "offline")
    }

    @Test func checksTheTimeField() throws {
        let withoutBroker = try HamletProcess.run(["learn", "--time-field", "time", "-"])
        #expect(withoutBroker.status != 0 && withoutBroker.standardError.contains("--time-field needs --mqtt-host"))
        let broker = ["learn", "--mqtt-host", "127.0.0.1", "--mqtt-port", "1"]
        let valueField = try HamletProcess.run(broker + ["--sensor", "s/a:t", "--time-field", "t"])
        #expect(valueField.status != 0 && valueField.standardError.contains("is the value field of --sensor s/a:t"), "\(valueField.standardError)")
        let csv = try HamletProcess.run(broker + ["--sensor", "s/a", "--sensor-format", "csv", "--time-field", "t"])
        #expect(csv.status != 0 && csv.standardError.contains("--sensor-format must be json"), "\(csv.standardError)")
    }

    @Test func rejectsSensorWithoutBroker() throws {
        let result = try HamletProcess.run(["learn", "--sensor", "sensors/a"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--mqtt-host"))
    }
}
