import Foundation
import MQTTTransport
import TestSupport
import Testing

/// `hamlet learn --mqtt-host … --task regress --target TOPIC` end to end: a real mosquitto, the
/// real executable, sensors and late targets on their own topic, joined by sequence number or
/// by timestamp; misses (never sent, duplicated, too old, early) reported on the errors topic.
@Suite(.serialized) struct MQTTTargetJoinTests {
    /// A learnable relation: y = 2a − b.
    static func sample(_ i: Int) -> (a: Double, b: Double, y: Double) {
        let a = sin(0.37 * Double(i)), b = cos(0.21 * Double(i))
        return (a, b, 2 * a - b)
    }

    static func json(_ text: some StringProtocol) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// Starts `hamlet learn` with `arguments` after the broker options and waits until it
    /// subscribed to every filter in `filters`.
    static func startLearner(
        broker: MosquittoBroker, directory: TestSupport.TemporaryDirectory, clientID: String, prefix: String,
        filters: [String], _ arguments: [String]
    ) async throws -> ChildProcess {
        let child = try ChildProcess.spawn(
            HamletProcess.executable.path,
            ["learn", "--mqtt-host", "127.0.0.1", "--mqtt-port", "\(broker.port)", "--mqtt-client-id", clientID,
             "--topic-prefix", prefix] + arguments,
            stdout: directory.file("stdout.jsonl"), stderr: directory.file("stderr.txt"))
        for filter in filters { try await broker.waitForSubscription(clientID: clientID, filter: filter, timeout: .seconds(15)) }
        return child
    }

    static func client(port: Int, id: String, subscribe filter: String) throws -> MQTTClient {
        let client = try MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: port, clientID: id, messageDelivery: .queue(capacity: 100_000)))
        try client.subscribe(filter, qos: .atLeastOnce)
        client.start()
        guard client.waitUntilConnected(timeout: .seconds(5)) else { throw TestFailure("\(id) could not connect") }
        return client
    }

    /// Everything `client` receives until `done` holds for it (or `timeout`), then until 700 ms pass quietly.
    static func collect(_ client: MQTTClient, timeout: Duration = .seconds(30), until done: ([MQTTMessage]) -> Bool) -> [MQTTMessage] {
        var received: [MQTTMessage] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !done(received) {
            if let message = client.messages!.pop(timeout: .milliseconds(100)) { received.append(message) }
        }
        while let message = client.messages!.pop(timeout: .milliseconds(700)) { received.append(message) }
        return received
    }

    static func joinedCount(_ messages: [MQTTMessage], prefix: String) -> Int {
        messages.count { $0.topic == prefix + "/prediction" && $0.payloadText.contains("\"type\":\"joined\"") }
    }

    static func publish(_ client: MQTTClient, _ topic: String, _ text: String) {
        client.publish(topic: topic, payload: Array(text.utf8), qos: .atLeastOnce)
    }

    @Test("targets joined by sequence number: late, never, duplicated, too old, early")
    func sequenceJoin() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-targets-seq")
        let prefix = "test/targets-\(UInt32.random(in: 0...UInt32.max))"
        let child = try await Self.startLearner(
            broker: broker, directory: directory, clientID: "hamlet-targets-seq", prefix: prefix,
            filters: ["s/a", "s/b", "s/y"],
            ["--sensor", "s/a:v", "--sensor", "s/b:v", "--task", "regress", "--target", "s/y:y", "--join", "sequence",
             "--sequence-field", "seq", "--join-window", "16", "--model", "mlp", "--hidden-layers", "16", "--beta", "0.05"])
        defer { child.killAndReap() }
        let client = try Self.client(port: broker.port, id: "targets-seq-test", subscribe: prefix + "/#")
        defer { client.close() }

        // Each target goes out 3…7 steps after its sensors; every 17th is never sent, every 23rd twice.
        let count = 600
        func isNeverSent(_ seq: Int) -> Bool { seq % 17 == 3 }
        func isDuplicated(_ seq: Int) -> Bool { seq % 23 == 5 }
        var schedule: [Int: [Int]] = [:]
        for seq in 0..<count where !isNeverSent(seq) { schedule[min(seq + 3 + seq % 5, count), default: []].append(seq) }
        func sendTarget(_ seq: Int) {
            let text = #"{"seq":\#(seq),"y":\#(Self.sample(seq).y)}"#
            Self.publish(client, "s/y", text)
            if isDuplicated(seq) { Self.publish(client, "s/y", text) }
        }
        for seq in 0...count {
            if seq < count {
                let (a, b, _) = Self.sample(seq)
                Self.publish(client, "s/a", #"{"seq":\#(seq),"v":\#(a)}"#)
                Self.publish(client, "s/b", #"{"v":\#(b),"seq":\#(seq)}"#)
            }
            for late in schedule[seq] ?? [] { sendTarget(late) }
            if seq == 100 { Self.publish(client, "s/y", #"{"seq":100000,"y":1}"#) }  // early: its step never comes
            if seq == 300 { Self.publish(client, "s/y", #"{"seq":3,"y":1}"#) }  // seq 3 left the 16-step window long ago
            try await Task.sleep(for: .milliseconds(2))
        }

        let joinedExpected = (0..<count).count { !isNeverSent($0) }
        let duplicates = (0..<count).count { !isNeverSent($0) && isDuplicated($0) }
        // Standard output is buffered until the end: watch what is published instead.
        let received = Self.collect(client) { Self.joinedCount($0, prefix: prefix) >= joinedExpected }
        child.kill(SIGINT)
        let status = await child.wait(timeout: .seconds(15))
        #expect(status == 0, "stderr: \(child.standardError)")

        let lines = child.standardOutput.split(separator: "\n").map(String.init)
        #expect(try PayloadSchema.prediction.problems(in: lines) == nil)
        let objects = lines.compactMap { Self.json($0) }
        let records = objects.filter { $0["type"] as? String == "record" }
        let joined = objects.filter { $0["type"] as? String == "joined" }

        // One step per sequence number, predicted with a null loss: tick n is seq n.
        #expect(records.count == count)
        for record in records {
            #expect(record["loss"] is NSNull)
            #expect((record["key"] as? Int) == (record["tick"] as? Int), "\(record)")
        }
        // Each target joined its own step, once, with the right target value.
        #expect(joined.count == joinedExpected)
        var seen = Set<Int>()
        for line in joined {
            let key = try #require(line["key"] as? Int)
            #expect(line["tick"] as? Int == key, "joined to the wrong step: \(line)")
            #expect(!isNeverSent(key) && seen.insert(key).inserted)
            let target = try #require((line["target"] as? [Double])?.first)
            #expect(abs(target - Self.sample(key).y) < 1e-5)
        }
        // Learning steps are the joined targets, and the loss falls for y = 2a − b.
        #expect(joined.map { $0["step"] as? Int } == (1...joined.count).map { $0 })
        let losses = joined.compactMap { $0["loss"] as? Double }
        #expect(losses.count == joined.count)
        let early = losses.prefix(50).reduce(0, +) / 50
        let late = losses.suffix(100).reduce(0, +) / 100
        #expect(late < 0.05 && late < early / 5, "mean loss of the first 50 joins \(early), of the last 100 \(late)")

        // Misses are reported with their reasons on <prefix>/errors, and counted.
        let reports = received.filter { $0.topic == prefix + "/errors" }.map(\.payloadText)
        #expect(try PayloadSchema.errors.problems(in: reports) == nil)
        let reasons = reports.compactMap { Self.json($0)?["reason"] as? String }
        #expect(reasons.count { $0.contains("not joined: duplicate") } == duplicates, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("target seq 3 not joined: too old") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("target seq 100000 not joined: not found") }, "\(reasons)")
        #expect(reasons.count == duplicates + 2, "\(reasons)")
        let published = received.filter { $0.topic == prefix + "/prediction" }.map(\.payloadText)
        #expect(published.count { $0.contains("\"type\":\"joined\"") } == joinedExpected)
        #expect(try PayloadSchema.prediction.problems(in: published) == nil)
        #expect(child.standardError.contains("\(joinedExpected) targets joined, \(duplicates + 2) missed"), "\(child.standardError)")
    }

    @Test("targets joined by payload timestamp within the tolerance")
    func timestampJoin() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-targets-ts")
        let prefix = "test/targets-\(UInt32.random(in: 0...UInt32.max))"
        let child = try await Self.startLearner(
            broker: broker, directory: directory, clientID: "hamlet-targets-ts", prefix: prefix, filters: ["s/x", "s/y"],
            ["--sensor", "s/x:a", "--sensor", "s/x:b", "--task", "regress", "--target", "s/y:y", "--join", "timestamp",
             "--timestamp-field", "ts", "--join-tolerance", "0.01", "--model", "mlp", "--beta", "0.05"])
        defer { child.killAndReap() }
        let client = try Self.client(port: broker.port, id: "targets-ts-test", subscribe: prefix + "/#")
        defer { client.close() }

        // Sensor steps 50 ms apart; each target's clock is off by up to 4 ms and it comes 4 steps late.
        let count = 200
        let base = (Date().timeIntervalSince1970 * 1000).rounded() / 1000
        func time(_ i: Int) -> Double { base + Double(i) * 0.05 }
        func sendTarget(_ i: Int) {
            let skew = Double(i % 3 - 1) * 0.004
            Self.publish(client, "s/y", #"{"ts":\#(time(i) + skew),"y":\#(Self.sample(i).y)}"#)
        }
        for i in 0..<(count + 4) {
            if i < count {
                let (a, b, _) = Self.sample(i)
                Self.publish(client, "s/x", #"{"ts":\#(time(i)),"a":\#(a),"b":\#(b)}"#)
            }
            if i >= 4 { sendTarget(i - 4) }
            if i == 60 { Self.publish(client, "s/y", #"{"ts":\#(time(50) + 0.025),"y":0}"#) }  // between steps, beyond 10 ms
            try await Task.sleep(for: .milliseconds(3))
        }
        let received = Self.collect(client) { Self.joinedCount($0, prefix: prefix) >= count }
        child.kill(SIGTERM)
        #expect(await child.wait(timeout: .seconds(15)) == 0, "stderr: \(child.standardError)")

        let lines = child.standardOutput.split(separator: "\n").map(String.init)
        #expect(try PayloadSchema.prediction.problems(in: lines) == nil)
        let objects = lines.compactMap { Self.json($0) }
        let records = objects.filter { $0["type"] as? String == "record" }
        let joined = objects.filter { $0["type"] as? String == "joined" }
        #expect(records.count == count)
        #expect(joined.count == count)
        for line in joined {
            let tick = try #require(line["tick"] as? Int)
            let key = try #require(line["key"] as? Double)
            #expect(abs(key - time(tick)) < 1e-6, "joined to the wrong step: \(line)")
            let target = try #require((line["target"] as? [Double])?.first)
            #expect(abs(target - Self.sample(tick).y) < 1e-5, "\(line)")
        }
        let reasons = received.filter { $0.topic == prefix + "/errors" }.compactMap { Self.json($0.payloadText)?["reason"] as? String }
        #expect(reasons.count == 1 && reasons.first?.contains("not joined: not found") == true, "\(reasons)")
        #expect(reasons.first?.contains("within 0.01 s") == true, "\(reasons)")
    }

    @Test("classify: a class index joined by sequence; a class out of range is rejected and reported")
    func classifyJoin() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-targets-classify")
        let prefix = "test/targets-\(UInt32.random(in: 0...UInt32.max))"
        let child = try await Self.startLearner(
            broker: broker, directory: directory, clientID: "hamlet-targets-classify", prefix: prefix, filters: ["s/x", "s/label"],
            ["--sensor", "s/x:a", "--sensor", "s/x:b", "--task", "classify", "--classes", "2", "--target", "s/label",
             "--model", "mlp", "--beta", "0.05"])
        defer { child.killAndReap() }
        let client = try Self.client(port: broker.port, id: "targets-classify-test", subscribe: prefix + "/#")
        defer { client.close() }
        let count = 300
        for i in 0..<(count + 2) {
            if i < count {
                let (a, b, _) = Self.sample(i)
                Self.publish(client, "s/x", #"{"seq":\#(i),"a":\#(a),"b":\#(b)}"#)
            }
            if i >= 2 {
                let (a, b, _) = Self.sample(i - 2)
                Self.publish(client, "s/label", #"{"seq":\#(i - 2),"label":\#(a > b ? 1 : 0)}"#)
            }
            if i == 10 { Self.publish(client, "s/label", #"{"seq":3,"label":2}"#) }
            try await Task.sleep(for: .milliseconds(2))
        }
        let received = Self.collect(client) { Self.joinedCount($0, prefix: prefix) >= count }
        child.kill(SIGTERM)
        #expect(await child.wait(timeout: .seconds(15)) == 0, "stderr: \(child.standardError)")
        let published = received.filter { $0.topic == prefix + "/prediction" }.map(\.payloadText)
        #expect(try PayloadSchema.prediction.problems(in: published) == nil)
        let joined = published.compactMap { Self.json($0) }.filter { $0["type"] as? String == "joined" }
        #expect(joined.count == count)
        let correct = joined.suffix(100).count { ($0["prediction"] as? Int) == ($0["target"] as? Int) }
        #expect(correct >= 80, "accuracy of the last 100 joined predictions: \(correct)/100")
        let reasons = received.filter { $0.topic == prefix + "/errors" }.compactMap { Self.json($0.payloadText)?["reason"] as? String }
        #expect(reasons == ["the target class 2.0 is not an integer in 0..<2"])
    }

    @Test("--target options are checked before connecting, with messages that say what to do")
    func validation() throws {
        let mqtt = ["learn", "--mqtt-host", "127.0.0.1", "--mqtt-port", "1", "--sensor", "s/a"]
        let cases: [([String], String)] = [
            (mqtt + ["--target", "s/y"], "--target needs --task regress or classify"),
            (mqtt + ["--task", "regress", "--model", "mlp"], "--task regress over MQTT needs --target"),
            (mqtt + ["--task", "regress", "--target", "s/y"], "need --model mlp"),
            (mqtt + ["--task", "regress", "--target", "s/y", "--model", "forecaster"], "need --model mlp"),
            (mqtt + ["--task", "classify", "--classes", "3", "--target", "s/y", "--target", "s/z", "--model", "mlp"],
             "exactly one --target"),
            (mqtt + ["--join", "timestamp"], "need --target"),
            (mqtt + ["--task", "regress", "--model", "mlp", "--target", "s/y", "--step-period", "1"],
             "--join sequence takes one step per sequence number"),
            (mqtt + ["--task", "regress", "--model", "mlp", "--target", "s/y", "--join-tolerance", "1"],
             "--join-tolerance are for --join timestamp"),
            (mqtt + ["--task", "regress", "--model", "mlp", "--target", "s/y", "--join-window", "0"], "--join-window must be"),
            (mqtt + ["--task", "regress", "--model", "mlp", "--target", "s/a"], "is also a --sensor"),
            (["learn", "--target", "s/y"], "--target needs --mqtt-host"),
        ]
        for (arguments, expected) in cases {
            let result = try HamletProcess.run(arguments)
            #expect(result.status != 0)
            #expect(result.standardError.contains(expected), "\(arguments): \(result.standardError)")
        }
    }
}
