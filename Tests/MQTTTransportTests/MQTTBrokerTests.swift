import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

/// Collects a client's events in the background (the stream finishes at `close()`).
final class EventCollector: Sendable {
    private let box = Locked<[MQTTEvent]>([])
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<MQTTEvent>) {
        let box = self.box
        task = Task { for await event in stream { box.withLock { $0.append(event) } } }
    }

    var events: [MQTTEvent] { box.value }

    var messages: [MQTTMessage] {
        events.compactMap { if case .message(let m) = $0 { m } else { nil } }
    }

    var connects: [(reasonCode: Int32, sessionPresent: Bool)] {
        events.compactMap { if case .connected(let rc, let present) = $0 { (rc, present) } else { nil } }
    }
}

/// Tests against a real mosquitto on 127.0.0.1 with mosquitto_sub / mosquitto_pub as the other side.
/// Serialized: each test starts its own broker, and on 2 shared cores timing stays predictable.
@Suite("MQTT transport against mosquitto", .serialized, .timeLimit(.minutes(1)))
struct MQTTBrokerTests {
    let recorder = LogRecorder()

    func configuration(_ broker: MosquittoBroker, clientID: String, _ adjust: (inout MQTTConfiguration) -> Void = { _ in })
        -> MQTTConfiguration
    {
        var c = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: clientID, keepAliveSeconds: 10)
        c.reconnect = MQTTReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(800), jitterFraction: 0.5)
        c.connectTimeout = .seconds(3)
        adjust(&c)
        return c
    }

    func connectedClient(_ configuration: MQTTConfiguration, subscribe filters: [String] = []) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: configuration, log: recorder.log)
        for filter in filters { try client.subscribe(filter) }
        client.start()
        let connected = await eventually { client.isConnected }
        if !connected { throw TestFailure("client did not connect:\n\(recorder.text)") }
        return client
    }

    /// `mosquitto_sub` exiting after `count` messages (or `seconds`), printing `format` per message.
    func subscriber(
        _ broker: MosquittoBroker, topic: String, count: Int, format: String, clientID: String, extra: [String] = [],
        port: Int? = nil, seconds: Int = 8
    ) throws -> ChildProcess {
        let sub = try requireExecutable("mosquitto_sub")
        return try ChildProcess.spawn(
            sub,
            ["-h", "127.0.0.1", "-p", "\(port ?? broker.port)", "-i", clientID, "-q", "1", "-t", topic]
                + ["-C", "\(count)", "-W", "\(seconds)", "-F", format] + (extra.contains("-V") ? [] : ["-V", "5"]) + extra,
            stdout: broker.directory.file("\(clientID).out"), stderr: broker.directory.file("\(clientID).err"))
    }

    func finishedLines(_ process: ChildProcess, timeout: Duration = .seconds(9)) async throws -> [String] {
        guard let status = await process.wait(timeout: timeout) else {
            process.killAndReap()
            throw TestFailure("mosquitto_sub did not finish; got: \(process.standardOutput) \(process.standardError)")
        }
        if status != 0 { throw TestFailure("mosquitto_sub exited \(status): \(process.standardOutput) \(process.standardError)") }
        return process.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// What a subscriber arriving now sees on `topic` (one message, normally the retained one), as "retain|payload".
    func retained(_ broker: MosquittoBroker, _ topic: String, clientID: String) async throws -> [String] {
        try await finishedLines(try subscriber(broker, topic: topic, count: 1, format: "%r|%p", clientID: clientID))
    }

    func mosquittoPub(_ broker: MosquittoBroker, _ arguments: [String], port: Int? = nil) async throws {
        let pub = try requireExecutable("mosquitto_pub")
        let result = try await runCommand(
            pub, ["-h", "127.0.0.1", "-p", "\(port ?? broker.port)"] + arguments, in: broker.directory, timeout: .seconds(5))
        if result.status != 0 { throw TestFailure("mosquitto_pub failed (\(result.status)): \(result.error)") }
    }

    // MARK: publish / receive with properties

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
        #expect(await eventually { !collector.messages.isEmpty })
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

    // MARK: status, Will

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

    // MARK: TLS and authentication

    @Test func tlsWithGeneratedCAConnects() async throws {
        let broker = try await MosquittoBroker.start(.init(tls: true))
        let certificates = try #require(broker.certificates)
        let tlsPort = try #require(broker.tlsPort)
        let sub = try subscriber(
            broker, topic: "hamlet/test/tls", count: 1, format: "%p", clientID: "sub-tls", extra: ["--cafile", certificates.caFile],
            port: tlsPort)
        try await broker.waitForSubscription(clientID: "sub-tls", filter: "hamlet/test/tls")
        for host in ["127.0.0.1", "localhost"] {
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-tls-\(host)") {
                    $0.host = host
                    $0.port = tlsPort
                    $0.tls = MQTTTLSConfiguration(caFile: certificates.caFile)
                })
            if host == "127.0.0.1" { client.publish(topic: "hamlet/test/tls", payload: Array("secret sauce".utf8)) }
            #expect(await eventually { client.counters.messagesDelivered == (host == "127.0.0.1" ? 1 : 0) })
            client.close()
        }
        #expect(try await finishedLines(sub) == ["secret sauce"])
        #expect(recorder.contains("(MQTT 5, TLS, session present: no)"))
    }

    @Test func tlsClientCertificateAndWrongCA() async throws {
        let broker = try await MosquittoBroker.start(.init(tls: true, requireClientCertificate: true))
        let certificates = try #require(broker.certificates)
        let tlsPort = try #require(broker.tlsPort)
        let client = try await connectedClient(
            configuration(broker, clientID: "hamlet-cert") {
                $0.port = tlsPort
                $0.tls = MQTTTLSConfiguration(
                    caFile: certificates.caFile, certificateFile: certificates.clientCertificate, keyFile: certificates.clientKey)
            })
        client.close()

        // A broker certificate from another CA is rejected, quickly and with a clear log line.
        let otherDirectory = try TemporaryDirectory()
        let other = try await TestCertificates.generate(in: otherDirectory, name: "Other CA")
        let rogue = LogRecorder()
        let stranger = try MQTTClient(
            configuration: configuration(broker, clientID: "hamlet-wrong-ca") {
                $0.port = tlsPort
                $0.tls = MQTTTLSConfiguration(caFile: other.caFile, certificateFile: other.clientCertificate, keyFile: other.clientKey)
            }, log: rogue.log)
        stranger.start()
        #expect(await eventually(timeout: .seconds(4)) { rogue.contains("not reachable") })
        #expect(!stranger.isConnected)
        stranger.close()
        #expect(rogue.contains("certificate verify failed"), "\(rogue.text)")
    }

    @Test func wrongPasswordIsRefusedWithAClearLogLine() async throws {
        let broker = try await MosquittoBroker.start(.init(users: [("agent", "right-pw")], allowAnonymous: false))
        let directory = try TemporaryDirectory()
        let passwordFile = try directory.write("mqtt-password", "wrong-pw\n")
        let client = try MQTTClient(
            configuration: configuration(broker, clientID: "hamlet-auth") {
                $0.userName = "agent"
                $0.passwordFile = passwordFile
            }, log: recorder.log)
        defer { client.close() }
        let collector = EventCollector(client.events)
        client.start()
        #expect(await eventually { recorder.contains("refused the connection") })
        let expected =
            "MQTT broker 127.0.0.1:\(broker.port) refused the connection: Not authorized (reason 135); "
            + "check the user name and password file"
        #expect(recorder.all.contains { $0.level == .error && $0.text.hasPrefix(expected) }, "\(recorder.text)")
        #expect(collector.connects.first?.reasonCode == 135)
        #expect(!client.isConnected && client.counters.connectionRefusals >= 1)
        // The file is read again before each attempt: fixing it lets the client in without a restart.
        _ = try directory.write("mqtt-password", "right-pw\n")
        #expect(await eventually { client.isConnected })
        #expect(!recorder.text.contains("wrong-pw") && !recorder.text.contains("right-pw"))
    }

    @Test func sessionExpiryKeepsTheSession() async throws {
        let broker = try await MosquittoBroker.start()
        let settings = configuration(broker, clientID: "hamlet-session") {
            $0.cleanStart = false
            $0.sessionExpirySeconds = 60
        }
        let first = try await connectedClient(settings)
        let firstEvents = EventCollector(first.events)
        #expect(await eventually { !firstEvents.connects.isEmpty })
        #expect(firstEvents.connects.first?.sessionPresent == false)
        first.close()
        let second = try await connectedClient(settings)
        let secondEvents = EventCollector(second.events)
        defer { second.close() }
        #expect(await eventually { !secondEvents.connects.isEmpty })
        #expect(secondEvents.connects.first?.sessionPresent == true, "the broker should have kept the session for 60 s")
    }

    // MARK: outbox

    @Test func outboxLimitsDropOldestNonPriorityAndDrainInOrder() async throws {
        let broker = try await MosquittoBroker.start()
        let client = try MQTTClient(
            configuration: configuration(broker, clientID: "hamlet-outbox") {
                $0.outbox = MQTTOutboxLimits(maximumMessages: 10, maximumBytes: 1 << 20)
            }, log: recorder.log)
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
        let idle = try MQTTClient(configuration: configuration(broker, clientID: "hamlet-idle"), log: recorder.log)
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

    // MARK: broker restart

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
                $0.outbox = MQTTOutboxLimits(maximumMessages: 120, maximumBytes: 1 << 20)
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
        broker.kill()
        let killedAt = ContinuousClock.now
        #expect(await eventually { !client.isConnected })
        try await Task.sleep(for: .milliseconds(300))
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

        // Every priority message arrives, in order; duplicates only for messages that were in
        // flight at the kill (re-sent), never more than once more.
        var occurrences: [Int: Int] = [:]
        for seq in seen { occurrences[seq, default: 0] += 1 }
        let duplicates = occurrences.values.reduce(0) { $0 + max($1 - 1, 0) }
        let priority = Array(stride(from: 0, to: total, by: 10))
        #expect(priority.allSatisfy { occurrences[$0] != nil }, "missing alerts: \(priority.filter { occurrences[$0] == nil })")
        #expect(occurrences.values.allSatisfy { $0 <= 2 })
        #expect(UInt64(duplicates) <= counters.messagesResent)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 }, "out of order")
        // Nothing lost that the outbox kept: what is missing was dropped (oldest non-priority first)
        // by the outbox limit; a dropped message may have reached the broker before the kill.
        let missing = (0..<total).filter { occurrences[$0] == nil }
        #expect(missing.allSatisfy { $0 % 10 != 0 })
        #expect(UInt64(missing.count) <= counters.droppedOutboxFull)
        #expect(counters.droppedOutboxFull - UInt64(missing.count) <= 20)
        #expect(counters.droppedPriorityOutboxFull == 0)
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
