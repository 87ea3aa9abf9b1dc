/// One outgoing message while the client is responsible for it.
///
/// Kept small (72 bytes, from 136): a broker away holds thousands of them. The fields are in
/// this order so that the one-byte ones fill the optional's tail, and the MQTT 5 properties,
/// empty for nearly every message, are out of line.
struct OutboxEntry: Sendable {
    /// Publication order; the outbox drains in increasing sequence.
    let sequence: UInt64
    /// CLOCK_MONOTONIC time of `publish`, for message expiry.
    let publishedAtNanoseconds: Int64
    /// Topic + payload + property bytes, counted against `MQTTOutboxLimits.maximumBytes`.
    let byteCount: Int
    let topic: String
    let payload: [UInt8]
    private let storedProperties: PropertiesBox?
    /// The message's sequence in the durable outbox; nil for messages kept in memory only.
    var durableSequence: UInt64? = nil
    let qos: MQTTQoS
    let retain: Bool
    let priority: Bool
    /// Times handed to libmosquitto (more than once = re-sent after a lost connection).
    var handoverCount: UInt32 = 0

    var properties: MQTTProperties { storedProperties?.value ?? MQTTProperties() }

    init(
        sequence: UInt64, topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTProperties,
        priority: Bool, publishedAtNanoseconds: Int64
    ) {
        self.sequence = sequence
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        storedProperties = properties.isEmpty ? nil : PropertiesBox(properties)
        self.priority = priority
        self.publishedAtNanoseconds = publishedAtNanoseconds
        byteCount = topic.utf8.count + payload.count + properties.byteCount
    }

    private final class PropertiesBox: Sendable {
        let value: MQTTProperties
        init(_ value: MQTTProperties) { self.value = value }
    }
}

/// A FIFO of outbox entries in increasing sequence (array plus head index; compacts itself).
struct OutboxFIFO {
    private var items: [OutboxEntry] = []
    private var head = 0

    var count: Int { items.count - head }
    /// Entries the storage holds room for: what a full outbox costs in memory beyond its messages.
    var storageCapacity: Int { items.capacity }
    var isEmpty: Bool { head == items.count }
    var first: OutboxEntry? { isEmpty ? nil : items[head] }

    mutating func append(_ entry: OutboxEntry) { items.append(entry) }

    mutating func removeFirst() -> OutboxEntry {
        let entry = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 4 >= items.count {
            // Compacted once the dead head is a third of the live entries: a full outbox (one in,
            // one out) then stays within 4/3 of its bound, where waiting for half the storage let
            // it reach twice the bound (33,731 slots of 136 bytes for the default 10,000 messages).
            items.removeFirst(head)
            head = 0
        }
        return entry
    }

    /// Merges `sorted` (increasing sequence) into the queue, keeping the whole queue sorted.
    mutating func merge(_ sorted: [OutboxEntry]) {
        guard !sorted.isEmpty else { return }
        var merged: [OutboxEntry] = []
        merged.reserveCapacity(count + sorted.count)
        var i = head, j = 0
        while i < items.count && j < sorted.count {
            if items[i].sequence <= sorted[j].sequence {
                merged.append(items[i]); i += 1
            } else {
                merged.append(sorted[j]); j += 1
            }
        }
        merged.append(contentsOf: items[i...])
        merged.append(contentsOf: sorted[j...])
        items = merged
        head = 0
    }

    /// Removes the first entry matching `predicate` (a rare drop; linear).
    mutating func remove(where predicate: (OutboxEntry) -> Bool) -> OutboxEntry? {
        guard let index = items[head...].firstIndex(where: predicate) else { return nil }
        return items.remove(at: index)
    }

    mutating func removeAll() {
        items.removeAll()
        head = 0
    }
}

/// The client's outbox: messages waiting for a connection (three FIFOs, priority, normal and
/// durable, drained together in publication order) and QoS ≥ 1 messages handed to libmosquitto
/// that await their PUBACK (by message id). Durable messages are also on disk and bounded by the
/// `DurableOutbox`, not by `limits`. Not thread-safe: the client guards it with its lock.
struct MQTTOutbox {
    let limits: MQTTOutboxLimits
    private var normal = OutboxFIFO()
    private var priority = OutboxFIFO()
    private var durable = OutboxFIFO()
    private var awaiting: [Int32: OutboxEntry] = [:]
    private var normalBytes = 0
    private var priorityBytes = 0
    private var durableBytes = 0
    private var awaitingBytes = 0
    private var awaitingDurableCount = 0
    private var awaitingDurableBytes = 0

    init(limits: MQTTOutboxLimits) { self.limits = limits }

    /// Messages held: waiting plus awaiting PUBACK.
    var count: Int { normal.count + priority.count + durable.count + awaiting.count }
    var bytes: Int { normalBytes + priorityBytes + durableBytes + awaitingBytes }
    var pendingCount: Int { normal.count + priority.count + durable.count }
    var awaitingAcknowledgementCount: Int { awaiting.count }
    /// Durable messages held (pending or awaiting PUBACK).
    var durableCount: Int { durable.count + awaitingDurableCount }
    /// What `limits` bound: everything but durable messages.
    private var memoryCount: Int { count - durableCount }
    private var memoryBytes: Int { bytes - durableBytes - awaitingDurableBytes }

    struct Admission: Equatable {
        /// nil = admitted; otherwise why the new message itself was dropped.
        var rejection: MQTTDropReason?
        /// Older non-priority messages dropped to make room.
        var evictedNormal = 0
        /// Older priority messages dropped to make room (only for a new priority message).
        var evictedPriority = 0
    }

    /// Adds `entry` as the newest pending message, first dropping the oldest pending
    /// non-priority messages and, for a priority message, then the oldest pending priority
    /// ones, until it fits (a non-priority one also within `maximumNormalBytes`). Messages
    /// awaiting PUBACK are never dropped; when they alone fill the outbox, the new message is
    /// refused (nothing is evicted for nothing).
    mutating func admit(_ entry: OutboxEntry) -> Admission {
        if entry.byteCount > limits.largestMessage(priority: entry.priority) { return Admission(rejection: .tooLarge) }
        let evictableCount = normal.count + (entry.priority ? priority.count : 0)
        let evictableBytes = normalBytes + (entry.priority ? priorityBytes : 0)
        if memoryCount - evictableCount + 1 > limits.maximumMessages
            || memoryBytes - evictableBytes + entry.byteCount > limits.maximumBytes
        {
            return Admission(rejection: .outboxFull)
        }
        // A non-priority message also fits the non-priority bound; the message fits it on its own
        // (above), so the oldest non-priority messages make room.
        let normalLimit = entry.priority ? Int.max : (limits.maximumNormalBytes ?? .max)
        var admission = Admission()
        while memoryCount + 1 > limits.maximumMessages || memoryBytes + entry.byteCount > limits.maximumBytes
            || normalBytes + entry.byteCount > normalLimit
        {
            if !normal.isEmpty {
                normalBytes -= normal.removeFirst().byteCount
                admission.evictedNormal += 1
            } else {
                priorityBytes -= priority.removeFirst().byteCount
                admission.evictedPriority += 1
            }
        }
        append(entry)
        return admission
    }

    /// Adds an entry already written to the durable outbox, which bounds it.
    mutating func admitDurable(_ entry: OutboxEntry) {
        precondition(entry.durableSequence != nil)
        append(entry)
    }

    /// Forgets the durable message `sequence` (dropped from the full durable outbox), whether
    /// pending or awaiting its PUBACK; returns whether it was held.
    @discardableResult
    mutating func discardDurable(_ sequence: UInt64) -> Bool {
        if let entry = durable.remove(where: { $0.durableSequence == sequence }) {
            durableBytes -= entry.byteCount
            return true
        }
        guard let mid = awaiting.first(where: { $0.value.durableSequence == sequence })?.key else { return false }
        _ = acknowledge(mid: mid)
        return true
    }

    private mutating func append(_ entry: OutboxEntry) {
        if entry.durableSequence != nil {
            durable.append(entry)
            durableBytes += entry.byteCount
        } else if entry.priority {
            priority.append(entry)
            priorityBytes += entry.byteCount
        } else {
            normal.append(entry)
            normalBytes += entry.byteCount
        }
    }

    /// Removes and returns the oldest pending message (lowest sequence of the three FIFOs).
    mutating func popOldestPending() -> OutboxEntry? {
        if let d = durable.first, d.sequence < (normal.first?.sequence ?? .max), d.sequence < (priority.first?.sequence ?? .max) {
            let entry = durable.removeFirst()
            durableBytes -= entry.byteCount
            return entry
        }
        let takePriority: Bool
        switch (normal.first, priority.first) {
        case (nil, nil): return nil
        case (nil, _): takePriority = true
        case (_, nil): takePriority = false
        case (let n?, let p?): takePriority = p.sequence < n.sequence
        }
        if takePriority {
            let entry = priority.removeFirst()
            priorityBytes -= entry.byteCount
            return entry
        }
        let entry = normal.removeFirst()
        normalBytes -= entry.byteCount
        return entry
    }

    /// Puts a popped entry back (its handover failed); it keeps its place by sequence.
    mutating func returnToPending(_ entry: OutboxEntry) {
        if entry.durableSequence != nil {
            durable.merge([entry])
            durableBytes += entry.byteCount
        } else if entry.priority {
            priority.merge([entry])
            priorityBytes += entry.byteCount
        } else {
            normal.merge([entry])
            normalBytes += entry.byteCount
        }
    }

    /// Records a popped QoS ≥ 1 entry as handed over under libmosquitto message id `mid`.
    mutating func awaitAcknowledgement(_ entry: OutboxEntry, mid: Int32) {
        if let replaced = awaiting.updateValue(entry, forKey: mid) {
            // libmosquitto reused an id still listed (cannot happen within one connection); keep the new one.
            awaitingBytes -= replaced.byteCount
            if replaced.durableSequence != nil {
                awaitingDurableCount -= 1
                awaitingDurableBytes -= replaced.byteCount
            }
        }
        awaitingBytes += entry.byteCount
        if entry.durableSequence != nil {
            awaitingDurableCount += 1
            awaitingDurableBytes += entry.byteCount
        }
    }

    /// The entry acknowledged by PUBACK/PUBCOMP `mid`, removed; nil if unknown (e.g. a status message).
    mutating func acknowledge(mid: Int32) -> OutboxEntry? {
        guard let entry = awaiting.removeValue(forKey: mid) else { return nil }
        awaitingBytes -= entry.byteCount
        if entry.durableSequence != nil {
            awaitingDurableCount -= 1
            awaitingDurableBytes -= entry.byteCount
        }
        return entry
    }

    /// The connection ended: every message still awaiting PUBACK goes back to pending, in
    /// publication order, to be sent again after the next connect. Returns how many.
    @discardableResult
    mutating func requeueUnacknowledged() -> Int {
        guard !awaiting.isEmpty else { return 0 }
        let entries = awaiting.values.sorted { $0.sequence < $1.sequence }
        awaiting.removeAll()
        awaitingBytes = 0
        awaitingDurableCount = 0
        awaitingDurableBytes = 0
        // Merged, not appended: they are older than what was published meanwhile.
        normal.merge(entries.filter { $0.durableSequence == nil && !$0.priority })
        priority.merge(entries.filter { $0.durableSequence == nil && $0.priority })
        durable.merge(entries.filter { $0.durableSequence != nil })
        for entry in entries {
            if entry.durableSequence != nil {
                durableBytes += entry.byteCount
            } else if entry.priority {
                priorityBytes += entry.byteCount
            } else {
                normalBytes += entry.byteCount
            }
        }
        return entries.count
    }

    /// Empties the outbox; returns how many messages it held.
    @discardableResult
    mutating func removeAll() -> Int {
        let n = count
        normal.removeAll()
        priority.removeAll()
        durable.removeAll()
        awaiting.removeAll()
        normalBytes = 0
        priorityBytes = 0
        durableBytes = 0
        awaitingBytes = 0
        awaitingDurableCount = 0
        awaitingDurableBytes = 0
        return n
    }
}
