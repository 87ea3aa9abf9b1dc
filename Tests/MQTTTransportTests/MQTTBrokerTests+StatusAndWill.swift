import TestSupport
import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    @Suite("Retained status and Will")
    struct StatusAndWill: BrokerTestSupport {
        let recorder = LogRecorder()

        @Test func retainedOnlineThenOfflineOnClose() async throws {
            let broker = try await MosquittoBroker.start()
            let status = "hamlet/test/agent-1/status"
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-status") { $0.status = MQTTStatusConfiguration(topic: status) })
            // A subscriber arriving later gets the retained status.
            #expect(await eventually { client.counters.connections == 1 })
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await retained(broker, status, clientID: "late-1") == ["1|online"])
            let start = ContinuousClock.now
            client.close()
            client.close()  // idempotent
            let closeTook = ContinuousClock.now - start
            #expect(closeTook < .seconds(1), "close waited \(closeTook) for the offline PUBACK")
            #expect(try await retained(broker, status, clientID: "late-2") == ["1|offline"])
            #expect(!client.isConnected)
            #expect(client.publish(topic: "hamlet/test/x", payload: [1]) == .dropped(.closed))
        }

        @Test func willPublishesOfflineWhenTheClientDies() async throws {
            let broker = try await MosquittoBroker.start()
            let status = "hamlet/test/agent-2/status"
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-will") { $0.status = MQTTStatusConfiguration(topic: status) })
            defer { client.close() }
            // Live subscriber: first the retained "online", then the Will.
            let live = try subscriber(broker, topic: status, count: 2, format: "%r|%p", clientID: "live-will")
            #expect(await eventually { live.standardOutput.contains("online") })
            client.disconnectWithWillForTesting()
            #expect(try await finishedLines(live) == ["1|online", "0|offline"])
            #expect(try await retained(broker, status, clientID: "late-3") == ["1|offline"])
            #expect(await eventually { !client.isConnected })
            try await Task.sleep(for: .milliseconds(300))
            #expect(!client.isConnected, "after the simulated crash the client must not reconnect")
        }

        @Test func brokerConfigPublishesWillOfKilledMosquittoSub() async throws {
            // Validates the test broker itself: a client killed with SIGKILL gets its Will published.
            let broker = try await MosquittoBroker.start()
            let victim = try subscriber(
                broker, topic: "hamlet/test/ignored", count: 100, format: "%p", clientID: "victim",
                extra: ["--will-topic", "hamlet/test/victim/status", "--will-payload", "dead", "--will-retain", "--will-qos", "1"])
            try await broker.waitForSubscription(clientID: "victim", filter: "hamlet/test/ignored")
            victim.killAndReap()
            #expect(try await retained(broker, "hamlet/test/victim/status", clientID: "late-4") == ["1|dead"])
        }
    }
}
