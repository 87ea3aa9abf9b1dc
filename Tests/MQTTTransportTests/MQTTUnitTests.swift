import TestSupport
import Foundation
import SystemPrimitives
import Testing

@testable import MQTTTransport

@Suite("MQTT transport units (no broker)")
struct MQTTUnitTests {
    // MARK: back-off

    @Test func backoffDoublesUpToTheMaximum() {
        let backoff = ExponentialBackoff(initial: .milliseconds(100), maximum: .seconds(1), jitterFraction: 0.2)
        let bases = (0..<6).map { backoff.baseDelay(forAttempt: $0) }
        #expect(bases == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(backoff.baseDelay(forAttempt: 1000) == .seconds(1))
    }

    @Test func jitterShortensDelaysWithinTheFraction() {
        let backoff = ExponentialBackoff(initial: .milliseconds(100), maximum: .seconds(1), jitterFraction: 0.25)
        #expect(backoff.delay(forAttempt: 2, unitRandom: 0) == .milliseconds(400))
        #expect(backoff.delay(forAttempt: 2, unitRandom: 1) == .milliseconds(300))
        var seen = Set<Duration>()
        for _ in 0..<200 {
            let delay = backoff.delay(forAttempt: 3, unitRandom: Double.random(in: 0..<1))
            #expect(delay >= .milliseconds(600) && delay <= .milliseconds(800))
            seen.insert(delay)
        }
        #expect(seen.count > 100, "jitter should spread the delays")
        let noJitter = ExponentialBackoff(initial: .milliseconds(100), maximum: .seconds(1), jitterFraction: 0)
        #expect(noJitter.delay(forAttempt: 1, unitRandom: 0.7) == .milliseconds(200))
    }

    // MARK: outbox

    private func entry(_ sequence: UInt64, priority: Bool = false, bytes: Int = 10) -> OutboxEntry {
        OutboxEntry(
            sequence: sequence, topic: "t", payload: Array(repeating: 0, count: bytes - 1), qos: .atLeastOnce, retain: false,
            properties: .init(), priority: priority, publishedAtNanoseconds: 0)
    }

    private func drain(_ outbox: inout MQTTOutbox) -> [UInt64] {
        var order: [UInt64] = []
        while let e = outbox.popOldestPending() { order.append(e.sequence) }
        return order
    }

    @Test func fullOutboxDropsOldestNonPriorityFirst() {
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits(maximumMessages: 5, maximumBytes: 1000))
        for s in 0..<5 { #expect(outbox.admit(entry(UInt64(s), priority: s == 1 || s == 3)).rejection == nil) }
        // Pending: 0, 1P, 2, 3P, 4 — full. A new normal message evicts 0, then 2, then 4.
        #expect(outbox.admit(entry(5)) == .init(rejection: nil, evictedNormal: 1))
        #expect(outbox.admit(entry(6)) == .init(rejection: nil, evictedNormal: 1))
        #expect(outbox.count == 5)
        #expect(drain(&outbox) == [1, 3, 4, 5, 6])
    }

    @Test func fullFIFOStorageStaysNearItsBound() {
        // A full outbox takes one message in and drops one for each new one: 10,000 live entries
        // cycled 50,000 times must keep their order and a storage within 4/3 of the bound (rounded up
        // to the array's growth), not the twice the bound that compacting at half the storage allowed.
        var fifo = OutboxFIFO()
        let bound = 10_000
        for s in 0..<bound { fifo.append(entry(UInt64(s))) }
        var largest = fifo.storageCapacity
        var inOrder = true
        for s in bound..<(bound + 50_000) {
            fifo.append(entry(UInt64(s)))
            if fifo.removeFirst().sequence != UInt64(s - bound) { inOrder = false }
            largest = max(largest, fifo.storageCapacity)
        }
        #expect(inOrder)
        #expect(fifo.count == bound)
        #expect(fifo.first?.sequence == 50_000)
        #expect(largest < 2 * bound, "storage grew to \(largest) entries for \(bound) live ones")
    }

    @Test func priorityMessagesAreKeptBeforeOthers() {
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits(maximumMessages: 3, maximumBytes: 1000))
        _ = outbox.admit(entry(0, priority: true))
        _ = outbox.admit(entry(1, priority: true))
        _ = outbox.admit(entry(2))
        // A priority message evicts the normal one first…
        #expect(outbox.admit(entry(3, priority: true)) == .init(rejection: nil, evictedNormal: 1))
        // …a normal one cannot evict priority messages and is dropped itself…
        #expect(outbox.admit(entry(4)) == .init(rejection: .outboxFull))
        // …and a priority one then evicts the oldest priority message.
        #expect(outbox.admit(entry(5, priority: true)) == .init(rejection: nil, evictedPriority: 1))
        #expect(drain(&outbox) == [1, 3, 5])
    }

    @Test func byteLimitCountsAndTooLargeMessagesAreRefused() {
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits(maximumMessages: 100, maximumBytes: 30))
        #expect(outbox.admit(entry(0, bytes: 31)).rejection == .tooLarge)
        _ = outbox.admit(entry(1, bytes: 10))
        _ = outbox.admit(entry(2, bytes: 10))
        _ = outbox.admit(entry(3, bytes: 10))
        #expect(outbox.bytes == 30)
        #expect(outbox.admit(entry(4, bytes: 20)) == .init(rejection: nil, evictedNormal: 2))
        #expect(outbox.bytes == 30)
        #expect(drain(&outbox) == [3, 4])
        #expect(outbox.bytes == 0)
    }

    @Test func nonPriorityBytesHaveTheirOwnBoundAndPriorityMessagesTheWhole() {
        // 100 bytes for everything, 30 of them for non-priority messages: a broker away keeps only
        // the latest few non-priority ones, while priority ones still fill the rest and none is lost.
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits(maximumMessages: 100, maximumBytes: 100, maximumNormalBytes: 30))
        #expect(outbox.admit(entry(0, bytes: 31)).rejection == .tooLarge)
        #expect(outbox.admit(entry(1, priority: true, bytes: 31)).rejection == nil)
        for s in 2..<7 { #expect(outbox.admit(entry(UInt64(s), bytes: 10)).rejection == nil) }
        // 2 and 3 made room for 5 and 6; the priority message stayed.
        #expect(outbox.count == 4 && outbox.bytes == 61)
        for s in 7..<10 { #expect(outbox.admit(entry(UInt64(s), priority: true, bytes: 10)) == .init(rejection: nil)) }
        // 91 bytes held: a priority message of 10 still fits, the next one evicts the oldest normal message.
        #expect(outbox.admit(entry(10, priority: true, bytes: 9)) == .init(rejection: nil))
        #expect(outbox.admit(entry(11, priority: true, bytes: 10)) == .init(rejection: nil, evictedNormal: 1))
        #expect(outbox.admit(entry(12, bytes: 10)) == .init(rejection: nil, evictedNormal: 1))
        #expect(drain(&outbox) == [1, 6, 7, 8, 9, 10, 11, 12])
    }

    @Test func entriesStayCompactWithTheirPropertiesOutOfLine() {
        // Thousands wait while the broker is away: the properties (56 bytes inline) are boxed.
        #expect(MemoryLayout<OutboxEntry>.stride <= 72)
        let properties = MQTTProperties(contentType: "application/json", correlationData: [1, 2, 3])
        let withProperties = OutboxEntry(
            sequence: 0, topic: "t", payload: [1], qos: .atLeastOnce, retain: false, properties: properties, priority: true,
            publishedAtNanoseconds: 0)
        #expect(withProperties.properties == properties)
        #expect(withProperties.byteCount == 1 + 1 + 16 + 3)
        #expect(entry(1).properties == MQTTProperties())
    }

    @Test func unacknowledgedMessagesAreNeverEvictedAndGoBackInOrder() {
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits(maximumMessages: 4, maximumBytes: 1000))
        for s in 0..<4 { _ = outbox.admit(entry(UInt64(s), priority: s == 2)) }
        // Connected: all four handed over with message ids 10…13, awaiting PUBACK.
        for mid in Int32(10)...13 { outbox.awaitAcknowledgement(outbox.popOldestPending()!, mid: mid) }
        #expect(outbox.count == 4 && outbox.pendingCount == 0)
        // Full of unacknowledged messages: a new one is refused, nothing is evicted.
        #expect(outbox.admit(entry(4)) == .init(rejection: .outboxFull))
        #expect(outbox.acknowledge(mid: 11)?.sequence == 1)
        #expect(outbox.acknowledge(mid: 11) == nil)
        // Connection lost: 0, 2P, 3 return to pending ahead of the newer message 5.
        #expect(outbox.admit(entry(5)).rejection == nil)
        #expect(outbox.requeueUnacknowledged() == 3)
        #expect(outbox.awaitingAcknowledgementCount == 0)
        #expect(drain(&outbox) == [0, 2, 3, 5])
    }

    @Test func failedHandoverKeepsItsPlace() {
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits())
        for s in 0..<4 { _ = outbox.admit(entry(UInt64(s), priority: s.isMultiple(of: 2))) }
        let first = outbox.popOldestPending()!
        outbox.returnToPending(first)
        #expect(drain(&outbox) == [0, 1, 2, 3])
    }

    @Test func durableEntriesAreOutsideTheMemoryLimitsAndKeepTheirPlace() {
        var outbox = MQTTOutbox(limits: MQTTOutboxLimits(maximumMessages: 2, maximumBytes: 1000))
        func durable(_ sequence: UInt64, _ onDisk: UInt64) -> OutboxEntry {
            var e = entry(sequence, priority: true)
            e.durableSequence = onDisk
            return e
        }
        outbox.admitDurable(durable(0, 100))
        _ = outbox.admit(entry(1))
        outbox.admitDurable(durable(2, 101))
        _ = outbox.admit(entry(3, priority: true))
        // The memory limit (2) counts 1 and 3 only: a new normal message evicts 1, never a durable one.
        #expect(outbox.admit(entry(4)) == .init(rejection: nil, evictedNormal: 1))
        #expect(outbox.count == 4 && outbox.durableCount == 2)
        // Handed over in publication order across the three queues; lost with the connection, back in order.
        for mid in Int32(20)...22 { outbox.awaitAcknowledgement(outbox.popOldestPending()!, mid: mid) }
        #expect(outbox.requeueUnacknowledged() == 3)
        #expect(outbox.durableCount == 2)
        // The durable outbox dropped 101 (pending) and later 100 (awaiting its PUBACK): both leave memory too.
        let dropped101 = outbox.discardDurable(101)
        #expect(dropped101)
        outbox.awaitAcknowledgement(outbox.popOldestPending()!, mid: 30)
        let dropped100 = outbox.discardDurable(100), again = outbox.discardDurable(100)
        #expect(dropped100 && !again)
        #expect(outbox.acknowledge(mid: 30) == nil)
        #expect(outbox.durableCount == 0 && outbox.bytes == 20)
        #expect(drain(&outbox) == [3, 4])
    }

    // MARK: configuration and password file

    @Test func passwordFileIsReadWithoutTrailingNewlineAndNeverPrinted() throws {
        let directory = try TemporaryDirectory()
        let lf = try directory.write("lf", "s3cret-pw\n")
        let crlf = try directory.write("crlf", "s3cret-pw\r\n")
        let bare = try directory.write("bare", "s3cret-pw")
        for path in [lf, crlf, bare] {
            #expect(try MQTTConfiguration.readPassword(fromFile: path) == "s3cret-pw")
        }
        let empty = try directory.write("empty", "\n")
        #expect(throws: MQTTConfigurationError.passwordFileEmpty(path: empty)) {
            try MQTTConfiguration.readPassword(fromFile: empty)
        }
        let missing = directory.file("missing")
        do {
            _ = try MQTTConfiguration.readPassword(fromFile: missing)
            Issue.record("reading a missing file should fail")
        } catch {
            #expect(error.description == "cannot read the MQTT password file \(missing): No such file or directory")
        }

        var configuration = MQTTConfiguration(host: "127.0.0.1", clientID: "hamlet")
        configuration.userName = "agent"
        configuration.passwordFile = lf
        let text = "\(configuration) \(String(reflecting: configuration))"
        #expect(!text.contains("s3cret"))
        #expect(text.contains("password: <redacted, from file \(lf)>"))
        #expect(text.contains("user: agent"))
    }

    @Test func credentialsDirectoryPath() {
        // (The environment itself is not changed here: other tests spawn processes concurrently.)
        let path = MQTTConfiguration.credentialPath(directory: "/run/credentials/hamlet.service", name: "mqtt-password")
        #expect(path == "/run/credentials/hamlet.service/mqtt-password")
        #expect(MQTTConfiguration.credentialPath(directory: "", name: "mqtt-password") == nil)
        #expect(MQTTConfiguration.credentialPath(directory: nil, name: "mqtt-password") == nil)
    }

    @Test func invalidConfigurationsExplainThemselves() throws {
        var c = MQTTConfiguration(host: "127.0.0.1", port: 0, clientID: "x")
        #expect(throws: MQTTConfigurationError.invalidPort(0)) { try c.validate() }
        c.port = 1883
        c.keepAliveSeconds = 3
        #expect(throws: MQTTConfigurationError.invalidKeepAlive(3)) { try c.validate() }
        c.keepAliveSeconds = 30
        c.clientID = ""
        c.cleanStart = false
        #expect(throws: MQTTConfigurationError.clientIDRequiredForSession) { try c.validate() }
        c.clientID = "x"
        c.passwordFile = "/nonexistent"
        #expect(throws: MQTTConfigurationError.passwordWithoutUserName) { try c.validate() }
        c.userName = "u"
        #expect(throws: MQTTConfigurationError.passwordFileUnreadable(path: "/nonexistent", errorNumber: ENOENT)) {
            _ = try MQTTClient(configuration: c)
        }
        c.passwordFile = nil
        c.tls = MQTTTLSConfiguration(caFile: "/nonexistent/ca.crt")
        #expect(throws: MQTTConfigurationError.tlsFileUnreadable(path: "/nonexistent/ca.crt", errorNumber: ENOENT)) {
            try c.validate()
        }
    }

    @Test func errorsCarryLibmosquittoText() {
        let error = MosquittoError(code: 4, operation: "mosquitto_publish_v5")
        #expect(error.description == "mosquitto_publish_v5: The client is not currently connected. (4)")
        let system = MosquittoError(code: 14, operation: "connect", systemErrorNumber: ECONNREFUSED)
        #expect(system.message == "Connection refused")
        #expect(MQTTReasonCode.message(135, protocolVersion: .v5) == "Not authorized")
        #expect(MQTTReasonCode.message(5, protocolVersion: .v311).contains("not authorised"))
    }

    // MARK: incoming queue

    @Test func messageQueueDropsOldestAndTimesOut() async {
        let queue = MQTTMessageQueue(capacity: 3)
        for i in 0..<5 { queue.push(MQTTMessage(topic: "t", payload: [UInt8(i)], qos: .atMostOnce, retain: false)) }
        #expect(queue.count == 3 && queue.droppedCount == 2)
        #expect(queue.tryPop()?.payload == [2])
        #expect(queue.pop(timeout: .zero)?.payload == [3])
        #expect(queue.pop(timeout: .milliseconds(1))?.payload == [4])
        let start = ContinuousClock.now
        let none = await onDedicatedThread { queue.pop(timeout: .milliseconds(50)) }
        #expect(none == nil)
        #expect(ContinuousClock.now - start >= .milliseconds(45))
        // A blocked consumer is woken by a push and, after close, by the close.
        async let popped = onDedicatedThread { queue.pop(timeout: .seconds(5)) }
        try? await Task.sleep(for: .milliseconds(20))
        queue.push(MQTTMessage(topic: "t", payload: [9], qos: .atMostOnce, retain: false))
        #expect(await popped?.payload == [9])
        async let closed = onDedicatedThread { queue.pop(timeout: nil) }
        try? await Task.sleep(for: .milliseconds(20))
        queue.close()
        #expect(await closed == nil)
    }
}
