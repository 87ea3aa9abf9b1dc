import DurableFiles
import Foundation
import TestSupport
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    /// Durable messages on a real broker: kept on disk by a client closed while the broker is away,
    /// sent once by the next client on the same file, and settled (the file emptied) by the PUBACKs.
    @Suite("Durable outbox through a broker", .serialized)
    struct DurableOutboxThroughBroker: BrokerTestSupport {
        let recorder = LogRecorder()

        private func durableClient(
            _ broker: MosquittoBroker, path: String, clientID: String, closeTimeout: Duration
        ) throws -> MQTTClient {
            try MQTTClient(
                configuration: configuration(broker, clientID: clientID) {
                    $0.durableOutbox = MQTTDurableOutboxConfiguration(path: path, maximumMessages: 100, maximumBytes: 1 << 16)
                    $0.closeTimeout = closeTimeout
                }, logger: recorder.logger)
        }

        /// Messages a queue-delivery subscriber got until 1 s passed with nothing new.
        private func drain(_ client: MQTTClient) -> [String] {
            var payloads: [String] = []
            while let message = client.messages!.pop(timeout: .seconds(1)) { payloads.append(message.payloadText) }
            return payloads
        }

        private func fileSize(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
        }

        @Test func durableMessagesOutliveAClientClosedWhileTheBrokerIsAway() async throws {
            let broker = try await MosquittoBroker.start()
            let path = broker.directory.file("state/outbox.log")
            broker.stop()
            do {
                let first = try durableClient(broker, path: path, clientID: "hamlet-durable", closeTimeout: .milliseconds(300))
                first.start()
                for i in 0..<5 {
                    #expect(first.publish(topic: "hamlet/test/durable", payload: Array("alert-\(i)".utf8), durable: true) == .queued)
                    #expect(first.publish(topic: "hamlet/test/durable", payload: Array("plain-\(i)".utf8)) == .queued)
                }
                #expect(first.counters.durableDepth == 5 && first.counters.outboxDepth == 10)
                first.close()
            }
            #expect(recorder.contains("MQTT client closed; 5 durable messages stay in \(path) for the next start"), "\(recorder.text)")
            #expect(recorder.contains("dropped 5 undelivered messages from the outbox"))
            #expect(fileSize(path) > 0)

            try await broker.launch()
            var listenerSettings = configuration(broker, clientID: "durable-listener")
            listenerSettings.messageDelivery = .queue(capacity: 1000)
            let listener = try await connectedClient(listenerSettings, subscribe: ["hamlet/test/durable"])
            defer { listener.close() }
            try await broker.waitForSubscription(clientID: "durable-listener", filter: "hamlet/test/durable")
            let second = try durableClient(broker, path: path, clientID: "hamlet-durable", closeTimeout: .seconds(2))
            defer { second.close() }
            #expect(second.counters.durableReplayed == 5)
            #expect(recorder.contains("5 messages from an earlier run, sent first"))
            second.start()
            #expect(drain(listener) == (0..<5).map { "alert-\($0)" }, "each durable message once, in order; the plain ones are gone")
            #expect(await eventually { second.counters.durableDepth == 0 })
            #expect(fileSize(path) == 0, "every message acknowledged: nothing left in the log")
        }

        @Test func aFullDurableOutboxDropsTheOldestWithACountAndOneLogLine() async throws {
            let broker = try await MosquittoBroker.start()
            let path = broker.directory.file("full/outbox.log")
            let client = try MQTTClient(
                configuration: configuration(broker, clientID: "hamlet-full") {
                    $0.durableOutbox = MQTTDurableOutboxConfiguration(path: path, maximumMessages: 3, maximumBytes: 1 << 16)
                    $0.closeTimeout = .zero
                }, logger: recorder.logger)
            for i in 0..<5 { client.publish(topic: "hamlet/test/full", payload: Array("a\(i)".utf8), durable: true) }
            #expect(client.counters.droppedDurableOutboxFull == 2 && client.counters.durableDepth == 3)
            #expect(client.counters.droppedTotal == 2)
            #expect(recorder.all.filter { $0.text.contains("MQTT durable outbox full (3 messages") }.count == 1)
            client.close()
            let reopened = try DurableOutbox(path: path, maximumMessages: 3, maximumBytes: 1 << 16)
            #expect(reopened.messages.map { String(decoding: $0.payload, as: UTF8.self) } == ["a2", "a3", "a4"])
        }

        @Test func closeWaitsForTheBrokerToComeBackWhileDurableMessagesArePending() async throws {
            let broker = try await MosquittoBroker.start()
            let path = broker.directory.file("wait/outbox.log")
            let client = try durableClient(broker, path: path, clientID: "hamlet-wait", closeTimeout: .seconds(8))
            client.start()
            #expect(await eventually { client.isConnected })
            broker.kill()
            #expect(await eventually { !client.isConnected })
            for i in 0..<3 { #expect(client.publish(topic: "hamlet/test/wait", payload: Array("a\(i)".utf8), durable: true) == .queued) }
            // The broker is back 1.5 s into close(): close waits for it and for the PUBACKs, then returns.
            let relaunch = Task {
                try await Task.sleep(for: .milliseconds(1500))
                try await broker.launch()
            }
            let started = ContinuousClock.now
            await onDedicatedThread { client.close() }
            let took = ContinuousClock.now - started
            try await relaunch.value
            #expect(took >= .milliseconds(1500) && took < .seconds(8), "close took \(took)")
            #expect(client.counters.durableDepth == 0, "\(recorder.text)")
            #expect(fileSize(path) == 0, "settled by the broker's PUBACKs")
            #expect(client.counters.messagesDelivered == 3)
        }
    }
}
