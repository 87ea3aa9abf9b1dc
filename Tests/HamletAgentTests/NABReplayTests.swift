import Foundation
import HamletAgent
import MQTTTransport
import TestSupport
import Testing
import LearningPipeline

/// One NAB series learned twice, from its CSV file and replayed row by row over a real broker
/// (`--time-field`): the MQTT records must carry the same times and values as the file's, so the
/// forecasts and anomaly scores must come out identical.
@Suite(.serialized) struct NABReplayTests {
    /// The fixture's rows, as the file spells them.
    static func rows(_ path: String) throws -> [(time: String, value: String)] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        return lines.map { line in
            let fields = line.split(separator: ",")
            return (String(fields[0]), String(fields[1]))
        }
    }

    /// The record lines' score and prediction, in order.
    static func scoresAndPredictions(_ path: String) throws -> (scores: [Double?], predictions: [[Double]]) {
        var scores: [Double?] = []
        var predictions: [[Double]] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            guard object["type"] as? String == "record" else { continue }
            scores.append(object["score"] as? Double)
            predictions.append(try #require(object["prediction"] as? [Double], "\(line)"))
        }
        return (scores, predictions)
    }

    /// Publishes one `{"value":…,"time":"…"}` message per row on `nab/value` at QoS 1, keeping at
    /// most `window` rows ahead of the records published on `predictions` (which `client` must
    /// subscribe to), so that no queue on the way (the broker's, the agent's) fills and drops a
    /// row; returns how many records were published in the end (all, unless it timed out).
    static func publish(
        _ rows: [(time: String, value: String)], to client: MQTTClient, predictions: String, window: Int = 100
    ) -> Int {
        var predicted = 0
        func awaitPredictions(_ count: Int) -> Bool {
            let deadline = ContinuousClock.now + .seconds(60)
            while predicted < count, ContinuousClock.now < deadline {
                if let message = client.messages!.pop(timeout: .milliseconds(100)), message.topic == predictions,
                    message.payloadText.hasPrefix(#"{"type":"record""#)
                {
                    predicted += 1
                }
            }
            return predicted >= count
        }
        for (index, row) in rows.enumerated() {
            client.publish(topic: "nab/value", payload: Array(#"{"value":\#(row.value),"time":"\#(row.time)"}"#.utf8), qos: .atLeastOnce)
            if index >= window, !awaitPredictions(index + 1 - window) { return predicted }
        }
        _ = awaitPredictions(rows.count)
        return predicted
    }

    @Test(.timeLimit(.minutes(3)))
    func replayOverMQTTScoresExactlyLikeTheFile() async throws {
        let fixture = try #require(Bundle.module.path(forResource: "nyc_taxi_1500", ofType: "csv", inDirectory: "Fixtures/nab"))
        let rows = try Self.rows(fixture)
        #expect(rows.count == 1500)
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-nab-replay")

        // From the file: its timestamp column is found by name and dates the records.
        let fromFile = try HamletProcess.run(["learn", fixture, "--output", directory.file("file.jsonl")])
        #expect(fromFile.status == 0, "stderr: \(fromFile.standardError)")

        // Over MQTT: one message per row, the time as the file spells it.
        let broker = try await MosquittoBroker.start()
        let prefix = "test/nab-\(UInt32.random(in: 0...UInt32.max))"
        let child = try ChildProcess.spawn(
            HamletProcess.executable.path,
            ["learn", "--mqtt-host", "127.0.0.1", "--mqtt-port", "\(broker.port)", "--mqtt-client-id", "hamlet-nab",
             "--topic-prefix", prefix, "--sensor", "nab/value:value", "--time-field", "time",
             "--output", directory.file("mqtt.jsonl")],
            stdout: directory.file("stdout.txt"), stderr: directory.file("stderr.txt"))
        defer { child.killAndReap() }
        try await broker.waitForSubscription(clientID: "hamlet-nab", filter: "nab/value", timeout: .seconds(15))
        let client = try MQTTTargetJoinTests.client(port: broker.port, id: "nab-replay-test", subscribe: prefix + "/prediction")
        defer { client.close() }
        let published = Self.publish(rows, to: client, predictions: prefix + "/prediction")
        try #require(published == rows.count, "\(published) of \(rows.count) predicted; stderr: \(child.standardError)")
        child.kill(SIGINT)
        let status = await child.wait(timeout: .seconds(15))
        #expect(status == 0, "stderr: \(child.standardError)")

        let file = try Self.scoresAndPredictions(directory.file("file.jsonl"))
        let mqtt = try Self.scoresAndPredictions(directory.file("mqtt.jsonl"))
        #expect(file.scores.count == rows.count)
        // The score warms up, then moves: the comparison is not of zeros.
        #expect(file.scores.compactMap { $0 }.filter { $0 > 0.01 }.count > 100)
        // Exact: the values are whole numbers (exact as Float, which MQTT payloads are read into)
        // and both times go through the same timestamp parser, so the learner sees the same bits.
        #expect(mqtt.scores.count == file.scores.count && mqtt.predictions.count == file.predictions.count)
        let score = zip(file.scores, mqtt.scores).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(score == nil, "record \(score?.offset ?? 0): file score \(String(describing: score?.element.0)), MQTT \(String(describing: score?.element.1))")
        let prediction = zip(file.predictions, mqtt.predictions).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(prediction == nil, "record \(prediction?.offset ?? 0): file prediction \(prediction?.element.0 ?? []), MQTT \(prediction?.element.1 ?? [])")
    }

    /// `hamlet run` with the same rows from an MQTT source with `time_field`: the forecaster takes
    /// the calendar's phases (5 inputs, 1 output) and the records get scores, after
    /// `drift.score.warm_up_samples` from the configuration.
    @Test(.timeLimit(.minutes(3)))
    func runDatesMQTTRecordsAndScoresThem() async throws {
        let fixture = try #require(Bundle.module.path(forResource: "nyc_taxi_1500", ofType: "csv", inDirectory: "Fixtures/nab"))
        let rows = Array(try Self.rows(fixture).prefix(400))
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-nab-run")
        let agent = try AgentProcess(
            configuration: """
                agent:
                  id: nabrun
                  state_directory: \(directory.file("state"))
                source:
                  kind: mqtt
                  mqtt:
                    sensors: [{topic: nab/value, field: value}]
                    time_field: time
                model:
                  state_size: 8
                drift:
                  score:
                    warm_up_samples: 50
                mqtt:
                  host: 127.0.0.1
                  port: \(broker.port)
                outputs:
                  stdout: true
                """, in: directory)
        defer { agent.child.killAndReap() }
        try await broker.waitForSubscription(clientID: "hamlet-nabrun", filter: "nab/value", timeout: .seconds(15))
        let client = try MQTTTargetJoinTests.client(port: broker.port, id: "nab-run-test", subscribe: "hamlet/nabrun/prediction")
        defer { client.close() }
        let published = Self.publish(rows, to: client, predictions: "hamlet/nabrun/prediction")
        #expect(published == rows.count, "stderr: \(agent.standardError)")
        #expect(await agent.terminate() == 0, "stderr: \(agent.standardError)")

        let checkpoint = try #require(CheckpointDirectory(path: directory.file("state") + "/checkpoints").newest)
        let model = try LearnerCheckpoint.describe(try LearnerCheckpoint.read(path: checkpoint)).model
        #expect(model.inputCount == 5 && model.outputCount == 1, "\(model.summary)")
        let scores = agent.lines.filter { $0["type"] as? String == "record" }.map { $0["score"] as? Double ?? 0 }
        #expect(scores.count == rows.count)
        #expect(scores.prefix(50).allSatisfy { $0 == 0 }, "\(scores.prefix(50))")
        #expect(scores.dropFirst(50).prefix(150).contains { $0 > 0 }, "no score after the warm-up of 50: \(scores.dropFirst(50).prefix(150))")
    }
}
