import Foundation
import HamletAgent
import MQTTTransport
import StreamFeatures
import TestSupport
import Testing
import LearningPipeline

/// The time of MQTT sensor records (`MQTTSensorConfiguration.time`), through a real broker: the
/// newest time among the messages that last set the record's slots, from a payload field or
/// from the arrival clock.
@Suite(.serialized) struct MQTTRecordTimeTests {
    /// The source is used from one dedicated thread at a time, never concurrently.
    struct Handed<Value>: @unchecked Sendable { let value: Value }

    /// Records' times from a source on slots `s/a:v` and `s/b:v`, fed `messages` (topic, payload) in order.
    static func recordTimes(_ time: MQTTSensorConfiguration.RecordTime, _ messages: [(String, String)], records: Int) async throws -> [Double?] {
        let broker = try await MosquittoBroker.start()
        let id = "record-time-\(UInt32.random(in: 0...UInt32.max))"
        let link = try AgentMQTTLink(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: id),
            topics: AgentTopics(prefix: "test/" + id), logger: LogCapture().logger)
        defer { link.close() }
        let slots = ["s/a", "s/b"].map {
            SensorSlot(name: $0 + ":v", topic: try! TopicFilter($0), selector: .field("v"), format: .json, maximumAgeSeconds: 1e9)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        let context = RunContext()
        context.onIdle = { [unowned context] in if ContinuousClock.now > deadline { context.requestStop() } }
        let source = try MQTTSensorSource(
            configuration: MQTTSensorConfiguration(slots: slots, time: time), link: link, rejections: MQTTOutputSink(link: link),
            context: context)
        #expect(source.recordsHaveTime)
        link.start()
        for filter in ["s/a", "s/b"] { try await broker.waitForSubscription(clientID: id, filter: filter, timeout: .seconds(10)) }
        let publisher = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: id + "-pub"))
        defer { publisher.close() }
        publisher.start()
        #expect(publisher.waitUntilConnected(timeout: .seconds(5)))
        for (topic, payload) in messages { publisher.publish(topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce) }
        let handed = Handed(value: source)
        return await onDedicatedThread {
            (0..<records).map { _ in Handed(value: try? handed.value.next()) }
        }.map { $0.value??.time }
    }

    @Test("a payload time field: each record has the newest time among its slots' messages")
    func payloadField() async throws {
        let times = try await Self.recordTimes(
            .field("t"),
            [
                ("s/a", #"{"v": 1, "t": "1970-01-01 00:01:40"}"#),  // 100: no record yet (s/b has no value)
                ("s/b", #"{"v": 2, "t": 50}"#),  // a record at 100, the newer of 100 and 50
                ("s/b", #"{"v": 3, "t": 200}"#),  // 200
                ("s/a", #"{"v": 4, "t": 150}"#),  // still 200: s/b's message is newer than this one
                ("s/a", #"{"v": 5}"#),  // no time: rejected, no record
                ("s/a", #"{"v": 6, "t": "1970-01-01T00:05:00Z"}"#),  // 300
            ],
            records: 4)
        #expect(times == [100, 200, 200, 300])
    }

    @Test("arrival time: each record is dated by the wall clock when its newest message came")
    func arrival() async throws {
        let before = Date().timeIntervalSince1970
        let times = try await Self.recordTimes(.arrival, [("s/a", #"{"v": 1}"#), ("s/b", #"{"v": 2}"#), ("s/a", #"{"v": 3}"#)], records: 2)
        let after = Date().timeIntervalSince1970
        #expect(times.count == 2)
        for time in times { #expect(time.map { $0 >= before && $0 <= after } == true, "\(String(describing: time)) not in [\(before), \(after)]") }
        #expect((times[0] ?? 0) <= (times[1] ?? 0))
    }
}
