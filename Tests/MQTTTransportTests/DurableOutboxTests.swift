import DurableFiles
import Foundation
import TestSupport
import Testing

@testable import MQTTTransport

/// The on-disk outbox alone, on real files: replay order, bounds, a torn tail, damaged records,
/// settling and compaction.
@Suite("Durable outbox (on-disk log)")
struct DurableOutboxTests {
    private func open(_ path: String, messages: Int = 100, bytes: Int = 1 << 20) throws -> DurableOutbox {
        try DurableOutbox(path: path, maximumMessages: messages, maximumBytes: bytes, syncsEachAppend: false)
    }

    private func payloads(_ outbox: DurableOutbox) -> [String] { outbox.messages.map { String(decoding: $0.payload, as: UTF8.self) } }

    private func fileBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test func crc32MatchesZlib() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func recordsRoundTripThroughTheirFrames() throws {
        let message = DurableMessage(sequence: 7, topic: "a/b", payload: Array("{\"x\":1}".utf8), qos: .atLeastOnce, retain: true)
        for record in [DurableOutboxRecord.message(message), .settled(sequence: 1 << 40)] {
            let frame = record.frame
            let decoded = try #require(DurableOutboxRecord.decode(frame, at: 0, maximumBodyBytes: 1000))
            #expect(decoded.record == record && decoded.length == frame.count)
            // Every truncation is rejected, never misread.
            for cut in 0..<frame.count { #expect(DurableOutboxRecord.decode(Array(frame[0..<cut]), at: 0, maximumBodyBytes: 1000) == nil) }
        }
    }

    @Test func unsettledMessagesAreReplayedInOrderAfterReopening() throws {
        let directory = try TemporaryDirectory(prefix: "durable-outbox")
        let path = directory.file("state/outbox.log")  // the directory is made on open
        do {
            let outbox = try open(path)
            #expect(outbox.replayed == DurableOutboxReplay())
            var sequences: [UInt64] = []
            for i in 0..<6 { sequences.append(try outbox.append(topic: "t/\(i)", payload: Array("m\(i)".utf8), qos: .atLeastOnce, retain: false).message.sequence) }
            #expect(sequences == [0, 1, 2, 3, 4, 5])
            try outbox.settle(1)
            try outbox.settle(4)
            try outbox.settle(99)  // unknown: ignored
        }
        let reopened = try open(path)
        #expect(reopened.replayed.messages.map { String(decoding: $0.payload, as: UTF8.self) } == ["m0", "m2", "m3", "m5"])
        #expect(reopened.replayed.messages.map(\.topic) == ["t/0", "t/2", "t/3", "t/5"])
        #expect(reopened.replayed.corruptRecords == 0 && reopened.replayed.tornTailBytes == 0)
        // New messages continue after the replayed ones, and the rewritten file holds only the live four.
        let next = try reopened.append(topic: "t/6", payload: Array("m6".utf8), qos: .exactlyOnce, retain: true)
        #expect(next.message.sequence == 6)
        let again = try open(path)
        #expect(payloads(again) == ["m0", "m2", "m3", "m5", "m6"])
        #expect(again.messages.last?.qos == .exactlyOnce && again.messages.last?.retain == true)
    }

    @Test func aFullLogDropsTheOldestMessagesFirstByCountAndByBytes() throws {
        let directory = try TemporaryDirectory(prefix: "durable-outbox")
        let path = directory.file("outbox.log")
        let outbox = try open(path, messages: 3, bytes: 1000)
        var evicted: [UInt64] = []
        for i in 0..<5 { evicted += try outbox.append(topic: "t", payload: Array("m\(i)".utf8), qos: .atLeastOnce, retain: false).evicted }
        #expect(evicted == [0, 1])
        #expect(payloads(outbox) == ["m2", "m3", "m4"] && outbox.evictedCount == 2)
        // Bytes: 600 + 3 + 3 fit in 1000; then 500 more fit only alone.
        let big = try outbox.append(topic: "t", payload: Array(repeating: 65, count: 599), qos: .atLeastOnce, retain: false)
        #expect(big.evicted == [2], "m2 (3 bytes) goes for the count; 600 + 3 + 3 bytes fit")
        let bigger = try outbox.append(topic: "t", payload: Array(repeating: 66, count: 499), qos: .atLeastOnce, retain: false)
        #expect(bigger.evicted == [3, 4, big.message.sequence], "1000 bytes: only the newest fits")
        #expect(outbox.count == 1 && outbox.bytes == 500 && outbox.evictedCount == 6)
        #expect(throws: DurableOutbox.Failure.tooLarge(1001)) {
            try outbox.append(topic: "t", payload: Array(repeating: 0, count: 1000), qos: .atLeastOnce, retain: false)
        }
        // The drops are in the file: a reopened log has the same single message.
        #expect(try open(path, messages: 3, bytes: 1000).messages.map(\.payload.count) == [499])
        // Lowered limits at the next start drop the oldest too, counted.
        let many = try open(directory.file("many.log"), messages: 10)
        for i in 0..<10 { _ = try many.append(topic: "t", payload: Array("m\(i)".utf8), qos: .atLeastOnce, retain: false) }
        let lowered = try open(directory.file("many.log"), messages: 4)
        #expect(lowered.replayed.evicted == 6 && payloads(lowered) == ["m6", "m7", "m8", "m9"])
    }

    @Test func aTornTailIsCutOffAndTheWholeRecordsBeforeItAreKept() throws {
        let directory = try TemporaryDirectory(prefix: "durable-outbox")
        let path = directory.file("outbox.log")
        do {
            let outbox = try open(path)
            for i in 0..<3 { _ = try outbox.append(topic: "t", payload: Array("m\(i)".utf8), qos: .atLeastOnce, retain: false) }
        }
        let whole = try fileBytes(path)
        let last = DurableOutboxRecord.message(
            DurableMessage(sequence: 3, topic: "t", payload: Array("m3".utf8), qos: .atLeastOnce, retain: false)
        ).frame
        // A crash part-way through appending the fourth record, at every possible byte.
        for cut in 1..<last.count {
            try Data(whole + last[0..<cut]).write(to: URL(fileURLWithPath: path))
            let reopened = try open(path)
            #expect(payloads(reopened) == ["m0", "m1", "m2"], "cut at \(cut)")
            #expect(reopened.replayed.tornTailBytes == cut && reopened.replayed.corruptRecords == 0, "cut at \(cut)")
            #expect(try fileBytes(path) == whole, "the torn bytes are gone from the file")
        }
    }

    @Test func aDamagedRecordIsSkippedWithACountAndTheRestIsKept() throws {
        let directory = try TemporaryDirectory(prefix: "durable-outbox")
        let path = directory.file("outbox.log")
        let frames = (0..<4).map {
            DurableOutboxRecord.message(
                DurableMessage(sequence: UInt64($0), topic: "t", payload: Array("m\($0)".utf8), qos: .atLeastOnce, retain: false)
            ).frame
        }
        // One flipped payload bit (checksum) in record 1, and a garbled length field in record 2.
        var damaged = frames
        damaged[1][damaged[1].count - 1] ^= 0x01
        damaged[2][5] ^= 0x40
        try Data(damaged.flatMap { $0 } + DurableOutboxRecord.settled(sequence: 0).frame).write(to: URL(fileURLWithPath: path))
        let reopened = try open(path)
        #expect(payloads(reopened) == ["m3"], "m0 was settled after the damage, m1 and m2 are unreadable")
        #expect(reopened.replayed.corruptRecords == 2 && reopened.replayed.tornTailBytes == 0)
        // Garbage in front of the first record is one damaged stretch too.
        try Data(Array("garbage".utf8) + frames[0]).write(to: URL(fileURLWithPath: path))
        let afterGarbage = try open(path)
        #expect(payloads(afterGarbage) == ["m0"] && afterGarbage.replayed.corruptRecords == 1)
    }

    @Test func aSyncedAppendCostsLittleEnoughForAlerts() throws {
        let directory = try TemporaryDirectory(prefix: "durable-outbox")
        let outbox = try DurableOutbox(path: directory.file("outbox.log"), maximumMessages: 1_000, maximumBytes: 1 << 20)
        #expect(outbox.syncsEachAppend)
        let payload = Array(String(repeating: "x", count: 250).utf8)  // about an alert's size
        var seconds: [Double] = []
        for i in 0..<50 {
            let clock = ContinuousClock()
            let took = clock.measure { _ = try? outbox.append(topic: "hamlet/a/alert", payload: payload, qos: .atLeastOnce, retain: false) }
            seconds.append(Double(took.components.attoseconds) / 1e18 + Double(took.components.seconds))
            try outbox.settle(UInt64(i))
        }
        let sorted = seconds.sorted()
        print("durable outbox: fdatasynced append of a 264-byte alert, median \(sorted[25] * 1000) ms, max \(sorted[49] * 1000) ms")
        #expect(sorted[49] < 1, "an append waited \(sorted[49]) s")
    }

    @Test func settlingEverythingEmptiesTheFileAndSettledRecordsAreCompactedAway() throws {
        let directory = try TemporaryDirectory(prefix: "durable-outbox")
        let path = directory.file("outbox.log")
        let outbox = try open(path, messages: 10_000, bytes: 8 << 20)
        for i in 0..<3 { _ = try outbox.append(topic: "t", payload: Array("m\(i)".utf8), qos: .atLeastOnce, retain: false) }
        for sequence in 0..<3 { try outbox.settle(UInt64(sequence)) }
        #expect(outbox.fileSize == 0)
        #expect(try fileBytes(path).isEmpty)
        // One message stays unsettled while thousands pass: the file stays bounded by compaction.
        _ = try outbox.append(topic: "keep", payload: Array("k".utf8), qos: .atLeastOnce, retain: false)
        var largest = 0
        for i in 0..<5_000 {
            let sequence = try outbox.append(topic: "t", payload: Array(repeating: 1, count: 100), qos: .atLeastOnce, retain: false).message.sequence
            try outbox.settle(sequence)
            largest = max(largest, outbox.fileSize)
            if i % 1000 == 0 { #expect(try outbox.fileSize == fileBytes(path).count) }
        }
        #expect(largest <= DurableOutbox.compactionThresholdBytes + 200, "largest file \(largest) bytes")
        #expect(try open(path).messages.map(\.topic) == ["keep"])
    }
}
