#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DurableFiles

/// A message kept on disk until the broker has it.
public struct DurableMessage: Sendable, Equatable {
    /// Increasing within one log; orders replay.
    public var sequence: UInt64
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    public var retain: Bool

    /// Topic and payload bytes, counted against `MQTTDurableOutboxConfiguration.maximumBytes`.
    public var byteCount: Int { topic.utf8.count + payload.count }
}

/// What opening a log found.
public struct DurableOutboxReplay: Sendable, Equatable {
    /// Undelivered messages from earlier runs, oldest first.
    public var messages: [DurableMessage] = []
    /// Damaged records skipped (an intact record followed them); a damaged stretch counts as the
    /// number of record starts in it, at least one.
    public var corruptRecords = 0
    /// Bytes of a half-written last record (a crash mid-append), cut off.
    public var tornTailBytes = 0
    /// Bytes past the read limit, not read (a file that grew beyond what this log ever writes).
    public var unreadBytes = 0
    /// Messages beyond the (possibly lowered) limits, dropped oldest first.
    public var evicted = 0
}

/// The durable part of the MQTT outbox: an append-only log in one file, bounded in messages and
/// bytes, that survives SIGKILL (every append is written before `append` returns) and, with
/// `syncsEachAppend`, a power cut.
///
/// Each message is appended as a framed record (see `DurableOutboxRecord`); when the broker
/// acknowledges it, a small "settled" record follows. Opening the log replays it, keeping the
/// messages without a settled record, skipping damaged records and cutting off a torn tail, then
/// rewrites it with just those messages. The file is emptied when nothing is left to deliver and
/// rewritten when settled records make up most of it. Settled records are not synced: losing one
/// in a power cut only means a duplicate, which the subscriber drops by the payload's `id`.
///
/// Not thread-safe: the MQTT client calls it with its lock held. Appends are rare (alerts), so the
/// disk write under that lock is accepted.
public final class DurableOutbox {
    public let path: String
    public let maximumMessages: Int
    public let maximumBytes: Int
    public let syncsEachAppend: Bool
    /// Live messages in sequence order, with their frame sizes.
    private var live: [(message: DurableMessage, frameBytes: Int)] = []
    private var liveBytes = 0
    private var liveFrameBytes = 0
    private var fileBytes = 0
    private var nextSequence: UInt64 = 0
    private var fd: Int32 = -1
    /// Messages dropped to make room for newer ones since opening.
    public private(set) var evictedCount = 0

    /// A file at least this large is rewritten once settled records outweigh live ones.
    static let compactionThresholdBytes = 64 << 10

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The message alone is larger than `maximumBytes`.
        case tooLarge(Int)
        case file(FileOperationError)

        public var description: String {
            switch self {
            case .tooLarge(let bytes): "a \(bytes)-byte message does not fit in the durable outbox"
            case .file(let error): "durable outbox: \(error)"
            }
        }
    }

    /// What opening found: the messages from earlier runs to send first, and the damage skipped.
    public private(set) var replayed = DurableOutboxReplay()

    /// Opens (creating it and its directory if needed) the log at `path`, replays it (see
    /// `replayed`) and rewrites it with the messages still to deliver.
    public init(path: String, maximumMessages: Int, maximumBytes: Int, syncsEachAppend: Bool = true) throws(Failure) {
        precondition(maximumMessages >= 1 && maximumBytes >= 1, "durable outbox limits must be positive")
        self.path = path
        self.maximumMessages = maximumMessages
        self.maximumBytes = maximumBytes
        self.syncsEachAppend = syncsEachAppend
        do {
            let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
            if !parent.isEmpty { try DurableFiles.createDirectory(parent, mode: 0o700) }
        } catch {
            throw .file(error)
        }
        replayed = try replay()
    }

    deinit { close() }

    /// Messages not yet settled.
    public var count: Int { live.count }
    /// Their topic and payload bytes.
    public var bytes: Int { liveBytes }
    /// The log file's current size.
    public var fileSize: Int { fileBytes }
    /// The messages not yet settled, oldest first.
    public var messages: [DurableMessage] { live.map(\.message) }

    /// The largest message body a record may hold; anything larger is damage.
    private var maximumBodyBytes: Int { maximumBytes + 64 }

    /// Reads what an earlier run left and rewrites the file with it.
    private func replay() throws(Failure) -> DurableOutboxReplay {
        var replay = DurableOutboxReplay()
        let readLimit = 4 * (maximumBytes + 64 * maximumMessages) + Self.compactionThresholdBytes
        let contents: (bytes: [UInt8], fileSize: Int)?
        do {
            contents = try DurableFiles.read(path, atMost: readLimit)
        } catch {
            throw .file(error)
        }
        if let contents {
            let bytes = contents.bytes
            replay.unreadBytes = contents.fileSize - bytes.count
            var found: [UInt64: DurableMessage] = [:]
            var offset = 0
            while offset < bytes.count {
                if let (record, length) = DurableOutboxRecord.decode(bytes, at: offset, maximumBodyBytes: maximumBodyBytes) {
                    switch record {
                    case .message(let message): found[message.sequence] = message
                    case .settled(let sequence): found[sequence] = nil
                    }
                    offset += length
                    continue
                }
                // Damage: resume at the next intact record; with none, this is a torn tail.
                guard let next = nextRecord(in: bytes, after: offset) else {
                    replay.tornTailBytes = bytes.count - offset
                    break
                }
                replay.corruptRecords += max(1, recordStarts(in: bytes[offset..<next]))
                offset = next
            }
            for message in found.values.sorted(by: { $0.sequence < $1.sequence }) {
                live.append((message, DurableOutboxRecord.message(message).frame.count))
                liveBytes += message.byteCount
            }
            nextSequence = (live.last?.message.sequence).map { $0 + 1 } ?? 0
        }
        while live.count > maximumMessages || liveBytes > maximumBytes {
            liveBytes -= live.removeFirst().message.byteCount
            replay.evicted += 1
        }
        evictedCount += replay.evicted
        try rewrite()
        replay.messages = messages
        return replay
    }

    /// Appends `topic`/`payload` as the newest message, first dropping the oldest ones until it
    /// fits (their sequences are returned, oldest first). Returns once the record is written
    /// (and synced with `syncsEachAppend`).
    public func append(
        topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool
    ) throws(Failure) -> (message: DurableMessage, evicted: [UInt64]) {
        let message = DurableMessage(sequence: nextSequence, topic: topic, payload: payload, qos: qos, retain: retain)
        guard message.byteCount <= maximumBytes else { throw .tooLarge(message.byteCount) }
        var evicted: [UInt64] = []
        while live.count + 1 > maximumMessages || liveBytes + message.byteCount > maximumBytes {
            let oldest = live[0].message.sequence
            try settle(oldest)
            evicted.append(oldest)
            evictedCount += 1
        }
        let frame = DurableOutboxRecord.message(message).frame
        try write(frame, durable: syncsEachAppend)
        nextSequence += 1
        live.append((message, frame.count))
        liveBytes += message.byteCount
        liveFrameBytes += frame.count
        return (message, evicted)
    }

    /// Marks `sequence` as needing no more delivery; unknown sequences are ignored.
    public func settle(_ sequence: UInt64) throws(Failure) {
        guard let index = index(of: sequence) else { return }
        let (message, frameBytes) = live.remove(at: index)
        liveBytes -= message.byteCount
        liveFrameBytes -= frameBytes
        if live.isEmpty {
            // Nothing left to deliver: an empty file replays the same as any settled history.
            guard ftruncate(fd, 0) == 0 else { throw .file(.init(operation: "truncating", path: path, code: errno)) }
            fileBytes = 0
            return
        }
        try write(DurableOutboxRecord.settled(sequence: sequence).frame, durable: false)
        if fileBytes >= Self.compactionThresholdBytes && fileBytes - liveFrameBytes > liveFrameBytes { try rewrite() }
    }

    /// Closes the file; the messages not yet settled stay in it for the next run.
    public func close() {
        if fd >= 0 { closeDescriptor(fd) }
        fd = -1
    }

    private func index(of sequence: UInt64) -> Int? {
        // Acknowledgements come in order: the oldest is the usual case.
        if live.first?.message.sequence == sequence { return 0 }
        var low = 0, high = live.count
        while low < high {
            let mid = (low + high) / 2
            if live[mid].message.sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < live.count && live[low].message.sequence == sequence ? low : nil
    }

    /// How many records a damaged stretch held, as far as their magic numbers tell.
    private func recordStarts(in stretch: ArraySlice<UInt8>) -> Int {
        let magic = DurableOutboxRecord.magic
        var starts = 0
        var i = stretch.startIndex
        while i + magic.count <= stretch.endIndex {
            if stretch[i..<(i + magic.count)].elementsEqual(magic) { starts += 1 }
            i += 1
        }
        return starts
    }

    /// The offset of the next intact record after `offset`, if any.
    private func nextRecord(in bytes: [UInt8], after offset: Int) -> Int? {
        var candidate = offset + 1
        while candidate + DurableOutboxRecord.headerBytes <= bytes.count {
            if bytes[candidate] == DurableOutboxRecord.magic[0],
                DurableOutboxRecord.decode(bytes, at: candidate, maximumBodyBytes: maximumBodyBytes) != nil
            {
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    private func write(_ frame: [UInt8], durable: Bool) throws(Failure) {
        do {
            try DurableFiles.append(frame, to: fd, path: path, durable: durable)
        } catch {
            throw .file(error)
        }
        fileBytes += frame.count
    }

    /// Replaces the file atomically with the live messages only, and reopens it for appending.
    private func rewrite() throws(Failure) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(liveFrameBytes)
        for entry in live { bytes.append(contentsOf: DurableOutboxRecord.message(entry.message).frame) }
        close()
        do {
            try DurableFiles.replace(path, with: bytes, mode: 0o600, exactMode: true)
        } catch {
            throw .file(error)
        }
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw .file(.init(operation: "opening for appending", path: path, code: errno)) }
        fileBytes = bytes.count
        liveFrameBytes = bytes.count
    }
}

/// `close(2)`, out of reach of the method of the same name.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
