import TestSupport
import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    @Suite("Publish and receive, properties, MQTT 3.1.1")
    struct RoundTrips: BrokerTestSupport {
        let recorder = LogRecorder()

        @Test func publishedMessagesReachMosquittoSubWithProperties() async throws {
            let broker = try await MosquittoBroker.start()
            let sub = try subscriber(
                broker, topic: "hamlet/test/props", count: 3, format: "%t|%p|%C|%P|%R|%D|%E|%q", clientID: "sub-props")
            try await broker.waitForSubscription(clientID: "sub-props", filter: "hamlet/test/props")
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-props"))
            defer { client.close() }
            for i in 0..<3 {
                let properties = MQTTProperties(
                    contentType: "application/json", responseTopic: "hamlet/test/reply", correlationData: Array("corr-\(i)".utf8),
                    userProperties: [MQTTUserProperty("seq", "\(i)"), MQTTUserProperty("unit", "dB")], messageExpirySeconds: 60)
                let outcome = client.publish(topic: "hamlet/test/props", payload: Array("{\"score\":\(i)}".utf8), properties: properties)
                #expect(outcome == .sent)
            }
            let lines = try await finishedLines(sub)
            #expect(lines.count == 3)
            for (i, line) in lines.enumerated() {
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                #expect(fields.count == 8)
                guard fields.count == 8 else { continue }
                #expect(fields[0] == "hamlet/test/props")
                #expect(fields[1] == "{\"score\":\(i)}")
                #expect(fields[2] == "application/json")
                #expect(fields[3] == "seq:\(i) unit:dB")
                #expect(fields[4] == "hamlet/test/reply")
                #expect(fields[5] == "corr-\(i)")
                #expect(Int(fields[6]).map { (58...60).contains($0) } == true, "remaining expiry \(fields[6])")
                #expect(fields[7] == "1")
            }
            #expect(await eventually { client.counters.messagesDelivered == 3 })
            #expect(client.counters.outboxDepth == 0)
        }

        @Test func mosquittoPubReachesTheEventStreamWithProperties() async throws {
            let broker = try await MosquittoBroker.start()
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-in"), subscribe: ["hamlet/test/in/#"])
            let collector = EventCollector(client.events)
            defer { client.close() }
            try await broker.waitForSubscription(clientID: "hamlet-in", filter: "hamlet/test/in/#")
            try await mosquittoPub(broker, [
                "-V", "5", "-q", "1", "-t", "hamlet/test/in/sensor", "-m", "21.5",
                "-D", "publish", "content-type", "text/plain", "-D", "publish", "user-property", "unit", "celsius",
                "-D", "publish", "user-property", "unit", "kelvin", "-D", "publish", "response-topic", "hamlet/test/answer",
                "-D", "publish", "correlation-data", "req-7", "-D", "publish", "message-expiry-interval", "30",
            ])
            // Generous: under a loaded CI machine the event stream's reader task can be late.
            #expect(await eventually(timeout: .seconds(15)) { !collector.messages.isEmpty })
            let message = try #require(collector.messages.first)
            #expect(message.topic == "hamlet/test/in/sensor")
            #expect(message.payloadText == "21.5")
            #expect(message.qos == .atLeastOnce && !message.retain)
            #expect(message.properties.contentType == "text/plain")
            #expect(message.properties.userProperties == [MQTTUserProperty("unit", "celsius"), MQTTUserProperty("unit", "kelvin")])
            #expect(message.properties.responseTopic == "hamlet/test/answer")
            #expect(message.properties.correlationData == Array("req-7".utf8))
            #expect(message.properties.messageExpirySeconds.map { (29...30).contains($0) } == true)
            #expect(collector.connects.first?.reasonCode == 0)
            #expect(client.counters.messagesReceived == 1)
        }

        @Test func queueDeliveryFeedsANonAsyncThread() async throws {
            let broker = try await MosquittoBroker.start()
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-queue") { $0.messageDelivery = .queue(capacity: 8) },
                subscribe: ["hamlet/test/q"])
            defer { client.close() }
            let queue = try #require(client.messages)
            try await broker.waitForSubscription(clientID: "hamlet-queue", filter: "hamlet/test/q")
            for i in 0..<3 { try await mosquittoPub(broker, ["-V", "5", "-q", "1", "-t", "hamlet/test/q", "-m", "m\(i)"]) }
            // The consumer is a plain thread, as the pipeline's hot loop would be.
            let received = await onDedicatedThread { () -> [String] in
                var texts: [String] = []
                while texts.count < 3, let message = queue.pop(timeout: .seconds(3)) { texts.append(message.payloadText) }
                return texts
            }
            #expect(received == ["m0", "m1", "m2"])
            #expect(queue.pop(timeout: .milliseconds(10)) == nil)
        }

        @Test func mqtt311RoundTrip() async throws {
            let broker = try await MosquittoBroker.start()
            let sub = try subscriber(
                broker, topic: "hamlet/test/v311/out", count: 2, format: "%p|%q", clientID: "sub-311", extra: ["-V", "mqttv311"])
            try await broker.waitForSubscription(clientID: "sub-311", filter: "hamlet/test/v311/out")
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-311") { $0.protocolVersion = .v311 }, subscribe: ["hamlet/test/v311/in"])
            let collector = EventCollector(client.events)
            defer { client.close() }
            #expect(broker.log.contains("as hamlet-311 (p2,"), "the broker should see protocol level 4 (p2 = MQTT 3.1.1)")
            let ignored = MQTTProperties(contentType: "not sent with 3.1.1")
            client.publish(topic: "hamlet/test/v311/out", payload: Array("one".utf8), properties: ignored)
            client.publish(topic: "hamlet/test/v311/out", payload: Array("two".utf8), qos: .atMostOnce)
            #expect(try await finishedLines(sub) == ["one|1", "two|0"])
            try await broker.waitForSubscription(clientID: "hamlet-311", filter: "hamlet/test/v311/in")
            try await mosquittoPub(broker, ["-V", "mqttv311", "-q", "1", "-t", "hamlet/test/v311/in", "-m", "back"])
            #expect(await eventually { collector.messages.count == 1 })
            #expect(collector.messages.first?.payloadText == "back")
            #expect(collector.messages.first?.properties == MQTTProperties())
        }
    }
}
