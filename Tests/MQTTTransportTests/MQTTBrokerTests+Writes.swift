import TestSupport
import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    /// Plain-TCP clients write from the publishing thread and leave the rest to their network
    /// thread (`NetworkLoop`): these push on the places where the two meet.
    @Suite("Writes from publishing threads and the network thread")
    struct Writes: BrokerTestSupport {
        let recorder = LogRecorder()

        @Test func messagesFromSeveralThreadsAtOnceArriveWholeAndInEachThreadsOrder() async throws {
            let broker = try await MosquittoBroker.start()
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-many") { $0.messageDelivery = .queue(capacity: 8192) },
                subscribe: ["hamlet/test/many/#"])
            defer { client.close() }
            try await broker.waitForSubscription(clientID: "hamlet-many", filter: "hamlet/test/many/#")
            let queue = try #require(client.messages)
            let threads = 4
            let perThread = 400
            let padding = String(repeating: "x", count: 300)
            // QoS 1 both ways: PUBACKs for ours and for the broker's arrive on the network thread
            // while the publishers write, and libmosquitto holds back what exceeds its in-flight window.
            let received = await onDedicatedThread { () -> [String: [Int]] in
                for t in 0..<threads {
                    Thread.detachNewThread {
                        for i in 0..<perThread {
                            client.publish(topic: "hamlet/test/many/\(t)", payload: Array("\(i) \(padding)".utf8))
                        }
                    }
                }
                var byTopic: [String: [Int]] = [:]
                var count = 0
                while count < threads * perThread, let message = queue.pop(timeout: .seconds(10)) {
                    let index = message.payloadText.split(separator: " ").first.flatMap { Int($0) } ?? -1
                    byTopic[message.topic, default: []].append(index)
                    count += 1
                }
                return byTopic
            }
            for t in 0..<threads {
                #expect(received["hamlet/test/many/\(t)"] == Array(0..<perThread), "thread \(t)")
            }
            #expect(await eventually(timeout: .seconds(10)) { client.counters.messagesDelivered == UInt64(threads * perThread) })
            #expect(client.counters.outboxDepth == 0)
            #expect(client.counters.droppedIncoming == 0)
        }

        @Test func aMessageLargerThanTheSocketBufferIsWrittenInPiecesAndArrivesWhole() async throws {
            let broker = try await MosquittoBroker.start()
            let sub = try subscriber(broker, topic: "hamlet/test/large", count: 1, format: "%l", clientID: "sub-large", seconds: 20)
            try await broker.waitForSubscription(clientID: "sub-large", filter: "hamlet/test/large")
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-large") { $0.outbox = MQTTOutboxLimits(maximumBytes: 64 << 20) })
            defer { client.close() }
            let size = 16 << 20
            // The first write fills the socket buffer; the network thread writes the rest.
            #expect(client.publish(topic: "hamlet/test/large", payload: [UInt8](repeating: 0x61, count: size)) == .sent)
            #expect(try await finishedLines(sub, timeout: .seconds(20)) == ["\(size)"])
            #expect(await eventually(timeout: .seconds(10)) { client.counters.messagesDelivered == 1 })
        }

        @Test func deferredWritesKeepThePublicationOrderWithImmediateOnesInBetween() async throws {
            let broker = try await MosquittoBroker.start()
            let sub = try subscriber(broker, topic: "hamlet/test/deferred", count: 25, format: "%p", clientID: "sub-deferred")
            try await broker.waitForSubscription(clientID: "sub-deferred", filter: "hamlet/test/deferred")
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-deferred"))
            defer { client.close() }
            func send(_ text: String, deferred: Bool) {
                client.publish(topic: "hamlet/test/deferred", payload: Array(text.utf8), qos: .atMostOnce, deferWrite: deferred)
            }
            // 20 deferred: the 16th writes the first 16 at once; then an immediate one takes the
            // 4 still held with it; then 3 more deferred, written by the flush.
            for i in 0..<20 { send("d\(i)", deferred: true) }
            send("now", deferred: false)
            for i in 20..<23 { send("d\(i)", deferred: true) }
            client.flushDeferredWrites()
            send("last", deferred: false)
            let expected = (0..<20).map { "d\($0)" } + ["now"] + (20..<23).map { "d\($0)" } + ["last"]
            #expect(try await finishedLines(sub) == expected)
        }

        @Test func aDeferredWriteThatIsNeverFlushedStillGoesOutWithinSeconds() async throws {
            let broker = try await MosquittoBroker.start()
            let sub = try subscriber(broker, topic: "hamlet/test/unflushed", count: 1, format: "%p", clientID: "sub-unflushed")
            try await broker.waitForSubscription(clientID: "sub-unflushed", filter: "hamlet/test/unflushed")
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-unflushed"))
            defer { client.close() }
            // Nothing wakes the network thread: its poll times out within a second and it writes.
            client.publish(topic: "hamlet/test/unflushed", payload: Array("late".utf8), qos: .atMostOnce, deferWrite: true)
            #expect(try await finishedLines(sub, timeout: .seconds(5)) == ["late"])
        }
    }
}
