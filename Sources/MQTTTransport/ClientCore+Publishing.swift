import CMosquitto
import Logging
import SystemPrimitives

// Publishing: admission to the outbox (any thread), handing messages to libmosquitto while
// connected (lock held), and the PUBACKs that take them out of the outbox again.
extension ClientCore {
    func publish(
        topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTProperties, priority: Bool,
        durable: Bool = false, deferWrite: Bool = false
    ) -> MQTTPublishOutcome {
        let topicValid = mosquitto_pub_topic_check2(topic, topic.utf8.count) == MOSQ_ERR_SUCCESS.rawValue
        var line: (Logger.Level, String)? = nil
        var toWrite = 0
        lock.lock()
        defer {
            lock.unlock()
            write(toWrite)
            if let line { log(line.0, line.1) }
        }
        if closeState != .open || stopping {
            counters.droppedAfterClose += 1
            return .dropped(.closed)
        }
        if !topicValid || payload.count > 268_435_455 {
            counters.droppedRejected += 1
            if !rejectionLogged {
                rejectionLogged = true
                line = (.warning, "MQTT refused to publish on '\(topic)': invalid topic or payload; further ones are only counted")
            }
            return .dropped(.rejected)
        }
        let sequence = nextSequence
        nextSequence += 1
        let entry = OutboxEntry(
            sequence: sequence, topic: topic, payload: payload, qos: qos, retain: retain, properties: properties,
            priority: priority, publishedAtNanoseconds: MonotonicClock.nowNanoseconds())
        // Durable: QoS ≥ 1 without properties (the log keeps topic, payload, QoS and retain only).
        var durableAdmission: MQTTOutbox.Admission? = nil
        if durable, qos > .atMostOnce, properties.isEmpty, let store = durableStore {
            durableAdmission = admitDurably(entry, store: store, logging: &line)
        }
        let admission = durableAdmission ?? outbox.admit(entry)
        counters.droppedOutboxFull += UInt64(admission.evictedNormal)
        counters.droppedPriorityOutboxFull += UInt64(admission.evictedPriority)
        var droppedNow = admission.evictedNormal + admission.evictedPriority
        if let rejection = admission.rejection {
            switch rejection {
            case .tooLarge: counters.droppedTooLarge += 1
            default: if priority { counters.droppedPriorityOutboxFull += 1 } else { counters.droppedOutboxFull += 1 }
            }
            droppedNow += 1
        }
        if droppedNow > 0 {
            if !connected { droppedWhileDisconnected += UInt64(droppedNow) }
            if !overflowLogged && admission.rejection != .tooLarge {
                overflowLogged = true
                let limits = configuration.outbox
                line = (.warning,
                    "MQTT outbox full (\(limits.maximumMessages) messages / \(limits.maximumBytes) bytes"
                        + (limits.maximumNormalBytes.map { ", \($0) bytes of non-priority messages" } ?? "") + ") while "
                        + (connected ? "waiting for acknowledgements" : "disconnected")
                        + ": dropping the oldest non-priority messages first; further drops are only counted")
            }
        }
        if let rejection = admission.rejection { return .dropped(rejection) }
        guard connected else { return .queued }
        let outcome = drainOutbox(reporting: sequence) ?? .queued
        // A deferred write waits for `flushDeferredWrites()`, but never for more than a handful of messages.
        deferredWrites += 1
        if !deferWrite || deferredWrites > Self.deferredWriteLimit { toWrite = takeDeferredWrites() }
        return outcome
    }

    /// Most messages a deferred write holds back (a burst of predictions: one TCP segment).
    static let deferredWriteLimit = 16

    /// Writes the messages whose write was deferred.
    func flushDeferredWrites() { write(lock.withLock { takeDeferredWrites() }) }

    /// The messages handed over since the last write (lock held); counting starts again.
    private func takeDeferredWrites() -> Int {
        defer { deferredWrites = 0 }
        return deferredWrites
    }

    /// Writes `count` queued messages from this thread (lock not held); with TLS libmosquitto's
    /// thread writes them instead. Several go out corked, as one TCP segment.
    private func write(_ count: Int) {
        if count > 0 { network?.flush(corked: count > 1) }
    }

    func handlePublishAcknowledged(mid: Int32, reasonCode: Int32) {
        var line: String? = nil
        lock.lock()
        if let entry = outbox.acknowledge(mid: mid) {
            settleDurable(entry)
            if reasonCode >= 0x80 {
                counters.droppedRejected += 1
                if !rejectionLogged {
                    rejectionLogged = true
                    let reason = MQTTReasonCode.message(reasonCode, protocolVersion: configuration.protocolVersion)
                    line =
                        "MQTT broker \(address) refused a message on \(entry.topic): \(reason) (reason \(reasonCode)); "
                        + "further refusals are only counted"
                }
            } else {
                counters.messagesDelivered += 1
            }
        } else if mid == statusMid {
            statusAcknowledged = true
        }
        if waitingForAcknowledgements { lock.broadcast() }
        lock.unlock()
        if let line { log(.warning, line) }
    }

    // MARK: Handing over (lock held, connected)

    private enum Handover { case sent, retryLater, dropped(MQTTDropReason) }

    /// Hands pending messages to libmosquitto in publication order until the outbox has none
    /// left or the connection is gone. Returns the outcome for `sequence`, if it was handed over.
    @discardableResult
    func drainOutbox(reporting sequence: UInt64? = nil) -> MQTTPublishOutcome? {
        var outcome: MQTTPublishOutcome? = nil
        while connected, let entry = outbox.popOldestPending() {
            switch handOver(entry) {
            case .sent:
                if entry.sequence == sequence { outcome = .sent }
            case .dropped(let reason):
                settleDurable(entry)
                if entry.sequence == sequence { outcome = .dropped(reason) }
            case .retryLater:
                outbox.returnToPending(entry)
                return outcome
            }
        }
        return outcome
    }

    private func handOver(_ entry: OutboxEntry) -> Handover {
        var expiry = entry.properties.messageExpirySeconds
        if let seconds = expiry, seconds > 0 {
            let waited = (MonotonicClock.nowNanoseconds() - entry.publishedAtNanoseconds) / 1_000_000_000
            if waited >= Int64(seconds) {
                counters.droppedExpired += 1
                return .dropped(.expired)
            }
            expiry = seconds - UInt32(waited)
        }
        var properties: OpaquePointer? = nil
        defer { mosquitto_property_free_all(&properties) }
        if configuration.protocolVersion == .v5 && !entry.properties.isEmpty {
            let (list, code) = MosquittoProperties.makePublishList(entry.properties, expirySeconds: expiry)
            if code != MOSQ_ERR_SUCCESS.rawValue {
                counters.droppedRejected += 1
                return .dropped(.rejected)
            }
            properties = list
        }
        var mid: Int32 = 0
        let rc = entry.payload.withUnsafeBytes {
            mosquitto_publish_v5(
                handle, &mid, entry.topic, Int32($0.count), $0.baseAddress, entry.qos.rawValue, entry.retain, properties)
        }
        switch rc {
        case MOSQ_ERR_SUCCESS.rawValue:
            counters.messagesSent += 1
            if entry.handoverCount > 0 { counters.messagesResent += 1 }
            if entry.qos > .atMostOnce {
                var handed = entry
                handed.handoverCount += 1
                outbox.awaitAcknowledgement(handed, mid: mid)
            }
            return .sent
        case MOSQ_ERR_NO_CONN.rawValue, MOSQ_ERR_CONN_LOST.rawValue, MOSQ_ERR_ERRNO.rawValue, MOSQ_ERR_NOMEM.rawValue:
            // Connection going away (libmosquitto may have queued a copy, but the next attempt
            // starts from a fresh handle, so only the outbox's copy is ever sent again).
            return .retryLater
        default:
            counters.droppedRejected += 1
            return .dropped(.rejected)
        }
    }

    /// Publishes a retained status payload outside the outbox; returns its message id.
    func handOverStatus(_ payload: [UInt8], status: MQTTStatusConfiguration) -> Int32? {
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes {
            mosquitto_publish_v5(handle, &mid, status.topic, Int32($0.count), $0.baseAddress, status.qos.rawValue, true, nil)
        }
        return rc == MOSQ_ERR_SUCCESS.rawValue ? mid : nil
    }
}
