import TestSupport
import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    @Suite("Outbox limits and sustained publishing")
    struct Outbox: BrokerTestSupport {
        let recorder = LogRecorder()

        @Test func outboxLimitsDropOldestNonPriorityAndDrainInOrder() async throws {
            let broker = try await MosquittoBroker.start()
            let client = try MQTTClient(
                configuration: configuration(broker, clientID: "hamlet-outbox") {
                    $0.outbox = MQTTOutboxLimits(maximumMessages: 10, maximumBytes: 1 << 20)
                }, logger: recorder.logger)
            defer { client.close() }
            // Not started yet, i.e. disconnected: 30 messages, every 4th a priority alert.
            var outcomes: [MQTTPublishOutcome] = []
            for seq in 0..<30 {
                outcomes.append(client.publish(topic: "hamlet/test/outbox", payload: Array("\(seq)".utf8), priority: seq % 4 == 0))
            }
            #expect(outcomes.allSatisfy { $0 == .queued })
            let counters = client.counters
            #expect(counters.outboxDepth == 10)
            #expect(counters.droppedOutboxFull == 20 && counters.droppedPriorityOutboxFull == 0)
            #expect(recorder.contains("MQTT outbox full (10 messages"))
            // All 8 alerts and the two newest other messages survive, and go out in publication order.
            let expected = ["0", "4", "8", "12", "16", "20", "24", "27", "28", "29"]
            let sub = try subscriber(broker, topic: "hamlet/test/outbox", count: expected.count, format: "%p", clientID: "sub-outbox")
            try await broker.waitForSubscription(clientID: "sub-outbox", filter: "hamlet/test/outbox")
            client.start()
            #expect(try await finishedLines(sub) == expected)
            #expect(await eventually { client.counters.outboxDepth == 0 })
            #expect(client.counters.messagesDelivered == 10)
            #expect(recorder.contains("MQTT connected to 127.0.0.1:\(broker.port)"))
        }

        @Test func closeWithoutStartAndPublishFromManyThreads() async throws {
            let broker = try await MosquittoBroker.start()
            let idle = try MQTTClient(configuration: configuration(broker, clientID: "hamlet-idle"), logger: recorder.logger)
            #expect(idle.publish(topic: "hamlet/test/idle", payload: [1]) == .queued)
            idle.close()
            #expect(recorder.contains("MQTT client closed; dropped 1 undelivered message from the outbox"))

            // Four threads publish at once; every message arrives, each thread's in its own order.
            let sub = try subscriber(broker, topic: "hamlet/test/many", count: 400, format: "%p", clientID: "sub-many")
            try await broker.waitForSubscription(clientID: "sub-many", filter: "hamlet/test/many")
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-many"))
            defer { client.close() }
            await withTaskGroup(of: Void.self) { group in
                for thread in 0..<4 {
                    group.addTask {
                        await onDedicatedThread {
                            for seq in 0..<100 { client.publish(topic: "hamlet/test/many", payload: Array("\(thread):\(seq)".utf8)) }
                        }
                    }
                }
            }
            let lines = try await finishedLines(sub)
            for thread in 0..<4 {
                let mine = lines.filter { $0.hasPrefix("\(thread):") }
                #expect(mine == (0..<100).map { "\(thread):\($0)" })
            }
        }

        @Test func sustainedPublishingDeliversEverything() async throws {
            let broker = try await MosquittoBroker.start()
            let total = 3_000
            let sub = try subscriber(broker, topic: "hamlet/test/rate", count: total, format: "%p", clientID: "sub-rate", seconds: 10)
            try await broker.waitForSubscription(clientID: "sub-rate", filter: "hamlet/test/rate")
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-rate"))
            defer { client.close() }
            let payloadPadding = String(repeating: "x", count: 90)
            let clock = ContinuousClock()
            let start = clock.now
            let publishTime = await onDedicatedThread { () -> Duration in
                let begin = ContinuousClock.now
                for seq in 0..<total {
                    let payload = Array(String(format: "%05d", seq).utf8) + Array(payloadPadding.utf8)
                    client.publish(topic: "hamlet/test/rate", payload: payload)
                }
                return ContinuousClock.now - begin
            }
            #expect(await eventually(timeout: .seconds(9)) { client.counters.messagesDelivered == UInt64(total) })
            let deliveredAfter = clock.now - start
            let lines = try await finishedLines(sub, timeout: .seconds(11))
            #expect(lines.count == total)
            #expect(lines.map { Int($0.prefix(5)) ?? -1 } == Array(0..<total))
            #expect(client.counters.droppedTotal == 0)
            let perPublish = publishTime.seconds / Double(total) * 1e6
            print(
                "rate: \(total) QoS 1 messages of 95 bytes: publish() \(String(format: "%.1f", perPublish)) µs each, "
                    + "all PUBACKed after \(deliveredAfter)")
        }
    }
}
