import Logging
import SystemPrimitives

// The durable part of the outbox: messages published with `durable: true` are written to the
// `DurableOutbox` log before `publish` returns and settled there once the broker acknowledges
// them (or refuses them for good); the memory outbox holds the same entries for sending. All of
// it runs with `lock` held.
extension ClientCore {
    /// Opens the log (at init, before any publish) and queues what earlier runs left, oldest first.
    func openDurableOutbox(_ settings: MQTTDurableOutboxConfiguration) throws(MQTTConfigurationError) {
        let store: DurableOutbox
        do {
            store = try DurableOutbox(
                path: settings.path, maximumMessages: settings.maximumMessages, maximumBytes: settings.maximumBytes,
                syncsEachAppend: settings.syncsEachAppend)
        } catch {
            throw .durableOutboxUnusable(error.description)
        }
        let replay = store.replayed
        lock.withLock {
            durableStore = store
            for message in replay.messages {
                var entry = OutboxEntry(
                    sequence: nextSequence, topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain,
                    properties: .init(), priority: true, publishedAtNanoseconds: MonotonicClock.nowNanoseconds())
                entry.durableSequence = message.sequence
                nextSequence += 1
                outbox.admitDurable(entry)
            }
            counters.durableReplayed = UInt64(replay.messages.count)
            counters.durableCorruptRecords = UInt64(replay.corruptRecords)
            counters.droppedDurableOutboxFull = UInt64(replay.evicted)
        }
        if !replay.messages.isEmpty {
            log(.info, "MQTT durable outbox \(settings.path): \(replay.messages.count) messages from an earlier run, sent first")
        }
        var damage: [String] = []
        if replay.corruptRecords > 0 { damage.append("skipped \(replay.corruptRecords) damaged records") }
        if replay.tornTailBytes > 0 { damage.append("cut off a half-written last record (\(replay.tornTailBytes) bytes)") }
        if replay.unreadBytes > 0 { damage.append("did not read the last \(replay.unreadBytes) bytes (larger than this log writes)") }
        if replay.evicted > 0 { damage.append("dropped the \(replay.evicted) oldest messages to fit its limits") }
        if !damage.isEmpty { log(.warning, "MQTT durable outbox \(settings.path): " + damage.joined(separator: ", ")) }
    }

    /// Writes `entry` to the log and queues it (lock held). Returns nil when the log cannot take
    /// it for another reason than size: the caller then keeps it in memory only.
    func admitDurably(_ entry: OutboxEntry, store: DurableOutbox, logging line: inout (Logger.Level, String)?) -> MQTTOutbox.Admission? {
        let written: (message: DurableMessage, evicted: [UInt64])
        do {
            written = try store.append(topic: entry.topic, payload: entry.payload, qos: entry.qos, retain: entry.retain)
        } catch {
            if case .tooLarge = error { return MQTTOutbox.Admission(rejection: .tooLarge) }
            counters.durableWriteFailures += 1
            if !durableFailureLogged {
                durableFailureLogged = true
                line = (.error, "MQTT durable outbox: \(error); keeping such messages in memory only (further failures are only counted)")
            }
            return nil
        }
        for sequence in written.evicted { outbox.discardDurable(sequence) }
        if !written.evicted.isEmpty {
            counters.droppedDurableOutboxFull += UInt64(written.evicted.count)
            if !connected { droppedWhileDisconnected += UInt64(written.evicted.count) }
            if !durableOverflowLogged {
                durableOverflowLogged = true
                line = (.warning,
                    "MQTT durable outbox full (\(store.maximumMessages) messages / \(store.maximumBytes) bytes): dropping the "
                        + "oldest; further drops are only counted")
            }
        }
        var durable = entry
        durable.durableSequence = written.message.sequence
        outbox.admitDurable(durable)
        return MQTTOutbox.Admission()
    }

    /// The broker took (or refused for good) a durable message: it leaves the log (lock held).
    func settleDurable(_ entry: OutboxEntry) {
        guard let sequence = entry.durableSequence, let store = durableStore else { return }
        do {
            try store.settle(sequence)
        } catch {
            // Left in the log, it is sent again after a restart: a duplicate, never a loss.
            counters.durableWriteFailures += 1
        }
    }
}
