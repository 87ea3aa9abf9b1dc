import TestSupport
import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    @Suite("Broker crashes and restarts")
    struct BrokerRestarts: BrokerTestSupport {
        let recorder = LogRecorder()

        /// A running `mosquitto_sub` with a persistent session (clean session off, QoS 1) on `topic`
        /// that survives a broker SIGKILL: the session is registered first and saved by a graceful
        /// broker restart, so after a crash and restart the broker still holds it, and messages sent
        /// before the subscriber is back wait in its session. mosquitto_sub reconnects by itself.
        func persistentSubscriber(_ broker: MosquittoBroker, topic: String, clientID: String) async throws -> ChildProcess {
            let register = try subscriber(broker, topic: topic, count: 1, format: "%p", clientID: clientID, extra: ["-c", "-E"])
            _ = try await finishedLines(register)
            broker.stop()
            try await broker.launch()
            let sub = try ChildProcess.spawn(
                try requireExecutable("mosquitto_sub"),
                ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "5", "-i", clientID, "-c", "-q", "1", "-t", topic, "-F", "%p"],
                stdout: broker.directory.file("\(clientID).out"), stderr: broker.directory.file("\(clientID).err"))
            try await broker.waitForConnection(clientID: clientID)
            return sub
        }

        @Test func unacknowledgedMessagesAreResentAfterABrokerCrash() async throws {
            let broker = try await MosquittoBroker.start(.init(persistence: true))
            let topic = "hamlet/test/unacked"
            let sub = try await persistentSubscriber(broker, topic: topic, clientID: "unacked-sub")
            defer { sub.killAndReap() }
            func received() -> [String] { sub.standardOutput.split(separator: "\n").map(String.init) }
            let client = try await connectedClient(configuration(broker, clientID: "hamlet-unacked"))
            defer { client.close() }
            for seq in 0..<5 { client.publish(topic: topic, payload: Array("m\(seq)".utf8)) }
            #expect(await eventually { client.counters.messagesDelivered == 5 && received().count == 5 })

            // A stopped broker still lets the kernel take the bytes, but never acknowledges them.
            broker.signal(SIGSTOP)
            for seq in 5..<25 { #expect(client.publish(topic: topic, payload: Array("m\(seq)".utf8), priority: seq == 7) == .sent) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(client.counters.outboxDepth == 20 && client.counters.messagesDelivered == 5)
            broker.kill()
            #expect(await eventually { !client.isConnected })
            #expect(client.counters.outboxDepth == 20, "unacknowledged messages stay in the outbox")
            try await broker.launch()
            #expect(await eventually { client.counters.messagesDelivered == 25 })
            #expect(client.counters.messagesResent == 20 && client.counters.outboxDepth == 0)
            #expect(await eventually(timeout: .seconds(6)) { received().count >= 25 })
            try await Task.sleep(for: .milliseconds(100))
            #expect(received() == (0..<25).map { "m\($0)" }, "exactly once, in order")
        }

        @Test func brokerKilledAndRestartedDuringAStreamOfPublishes() async throws {
            let broker = try await MosquittoBroker.start(.init(persistence: true))
            let topic = "hamlet/test/stream"
            let sub = try await persistentSubscriber(broker, topic: topic, clientID: "stream-sub")
            defer { sub.killAndReap() }

            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-stream") {
                    // Room for every priority message (40) beside what a broker slowed by a loaded machine
                    // leaves unacknowledged (never evicted), yet far less than the 400: the broker's
                    // absence still makes the outbox drop ordinary messages (at 120 a priority one was
                    // refused once, in the whole suite on two loaded cores).
                    $0.outbox = MQTTOutboxLimits(maximumMessages: 200, maximumBytes: 1 << 20)
                    $0.status = MQTTStatusConfiguration(topic: "hamlet/test/stream-agent/status")
                }, subscribe: ["hamlet/test/cmd"])
            let collector = EventCollector(client.events)
            defer { client.close() }
            try await broker.waitForSubscription(clientID: "hamlet-stream", filter: "hamlet/test/cmd")

            // A plain thread publishes 400 QoS 1 messages, one every 2 ms; every 10th is a priority alert.
            let total = 400
            let outcomes = Locked<[MQTTPublishOutcome]>([])
            let publisherDone = Thread {
                for seq in 0..<total {
                    let outcome = client.publish(topic: topic, payload: Array(String(format: "%04d", seq).utf8), priority: seq % 10 == 0)
                    outcomes.withLock { $0.append(outcome) }
                    usleep(2_000)
                }
            }
            publisherDone.start()
            func received() -> [Int] { sub.standardOutput.split(separator: "\n").compactMap { Int($0) } }

            #expect(await eventually { received().count >= 60 })
            // SIGTERM, so the broker saves what it acknowledged but had not yet delivered to the
            // subscriber: after a SIGKILL those messages are lost inside mosquitto, not by the
            // client (under load they were, making this test flaky). The SIGKILL case with
            // unacknowledged messages is `unacknowledgedMessagesAreResentAfterABrokerCrash` above.
            broker.stop()
            let killedAt = ContinuousClock.now
            #expect(await eventually { !client.isConnected })
            try await Task.sleep(for: .milliseconds(800))
            try await broker.launch()
            let restartedAfter = ContinuousClock.now - killedAt
            #expect(await eventually { client.isConnected })
            let reconnectedAfter = ContinuousClock.now - killedAt
            #expect(await eventually { outcomes.withLock { $0.count } == total })
            #expect(await eventually { client.counters.outboxDepth == 0 }, "outbox should drain: \(client.counters)")

            // Resubscribed: a message from mosquitto_pub after the restart reaches the client.
            try await broker.waitForSubscription(clientID: "hamlet-stream", filter: "hamlet/test/cmd", occurrences: 2)
            try await mosquittoPub(broker, ["-V", "5", "-q", "1", "-t", "hamlet/test/cmd", "-m", "after-restart"])
            #expect(await eventually { collector.messages.contains { $0.payloadText == "after-restart" } })

            // The subscriber reconnects by itself (about 1 s) and gets what waited in its session.
            #expect(await eventually(timeout: .seconds(6)) { received().last == total - 1 }, "last: \(received().suffix(3))")
            try await Task.sleep(for: .milliseconds(100))
            let seen = received()
            let counters = client.counters

            // Every priority message arrives, and first arrivals are in publish order. A message may
            // arrive twice: the client re-sends what was unacknowledged at the restart, and the broker
            // itself re-delivers to the QoS 1 subscriber what that subscriber had not acknowledged.
            var occurrences: [Int: Int] = [:]
            var firstArrivals: [Int] = []
            for seq in seen {
                if occurrences[seq] == nil { firstArrivals.append(seq) }
                occurrences[seq, default: 0] += 1
            }
            let duplicates = occurrences.values.reduce(0) { $0 + max($1 - 1, 0) }
            let priority = Array(stride(from: 0, to: total, by: 10))
            #expect(priority.allSatisfy { occurrences[$0] != nil }, "missing alerts: \(priority.filter { occurrences[$0] == nil })")
            #expect(occurrences.values.allSatisfy { $0 <= 2 })
            #expect(zip(firstArrivals, firstArrivals.dropFirst()).allSatisfy { $0 < $1 }, "out of order")
            // Nothing lost that the outbox kept: what is missing was dropped (oldest non-priority first)
            // by the outbox limit; a dropped message may have reached the broker before the kill.
            let missing = (0..<total).filter { occurrences[$0] == nil }
            #expect(missing.allSatisfy { $0 % 10 != 0 })
            #expect(UInt64(missing.count) <= counters.droppedOutboxFull)
            // Signed, so that a failure of the line above is reported, not a trap that ends the run.
            #expect(Int(counters.droppedOutboxFull) - missing.count <= 20)
            #expect(counters.droppedPriorityOutboxFull == 0)
            print("stream over a broker restart: \(missing.count) ordinary messages dropped by the full outbox (\(counters.droppedOutboxFull) counted), \(duplicates) duplicates")
            #expect(counters.reconnects >= 1 && counters.connectionLosses == 1)
            #expect(outcomes.withLock { $0.filter { $0 == .queued }.count } > 0)

            // Back-off with jitter: each logged delay lies in [base·(1−0.5), base] and they are not all on the grid.
            let delays = recorder.all.compactMap { line -> Double? in
                let pattern = #"(retrying|reconnecting) in [0-9.]+ s"#
                guard let range = line.text.range(of: pattern, options: .regularExpression) else { return nil }
                return Double(line.text[range].split(separator: " ")[2])
            }
            #expect(!delays.isEmpty && delays.allSatisfy { $0 >= 0.05 && $0 <= 0.8 }, "delays: \(delays)")
            #expect(delays.contains { ![0.1, 0.2, 0.4, 0.8].contains($0) }, "delays should be jittered: \(delays)")
            print(
                "restart: alerts \(priority.count)/\(priority.count), received \(seen.count), dropped \(counters.droppedOutboxFull), "
                    + "missing \(missing.count), duplicates \(duplicates), resent \(counters.messagesResent), "
                    + "broker back after \(restartedAfter), client reconnected after \(reconnectedAfter), delays \(delays)")
        }
    }
}
