import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import SystemPrimitives

/// The state the supervisor thread, the loop thread (libmosquitto's with TLS, a `NetworkLoop`
/// otherwise) and application threads share.
///
/// Rules for the libmosquitto handle:
/// - Between connections (`connected == false`, no loop thread) only the supervisor touches it
///   (`mosquitto_reinitialise`, options, `loop_start` or `network.begin`, `connect_async`,
///   `loop_stop` or `network.end`).
/// - While connected, `mosquitto_publish`/`subscribe`/`disconnect` are called with `lock` held
///   (from application threads and from the callbacks on the network thread), so the outbox's
///   record of message ids always matches what libmosquitto was given. They only queue packets:
///   libmosquitto's thread (TLS) or the `NetworkLoop` (plain TCP) is the one that writes, or,
///   with a `NetworkLoop`, the publishing thread itself after releasing `lock` (`network.flush`).
/// - Callbacks take `lock` only briefly and never wait on anything.
///
/// This file holds the state and the lifecycle (wait, close); the behaviour is split by thread
/// and concern into `ClientCore+HandlePreparation`, `+Supervisor`, `+Callbacks`, `+Publishing`
/// and `+Subscriptions`, so each rule above can be checked against one small file.
final class ClientCore: @unchecked Sendable {  // guarded by `lock` as described above
    enum Phase: Equatable { case idle, connecting, up, refused, down }
    enum CloseState { case open, closing, closed }

    let configuration: MQTTConfiguration
    let handle: OpaquePointer
    /// Rare events only (connected, lost, refused, retrying, outbox overflow), never one line per
    /// message. Called from the supervisor thread, the loop thread or the caller of `close()`.
    let logger: Logger
    let lock = ConditionLock()
    let continuation: AsyncStream<MQTTEvent>.Continuation
    let queue: MQTTMessageQueue?
    /// The network thread for plain TCP; nil with TLS, which keeps libmosquitto's own thread.
    let network: NetworkLoop?
    /// libmosquitto's `obj` for callbacks; set once right after init.
    var userdata: UnsafeMutableRawPointer? = nil

    // Guarded by `lock`.
    var phase = Phase.idle
    var connected = false
    var stopping = false
    var closeState = CloseState.open
    var disconnectRequested = false
    var supervisorThread: pthread_t? = nil
    var outbox: MQTTOutbox
    /// The on-disk part of the outbox (`configuration.durableOutbox`), opened at init.
    var durableStore: DurableOutbox? = nil
    var durableFailureLogged = false
    var durableOverflowLogged = false
    var subscriptions: [(filter: String, qos: MQTTQoS)] = []
    var subscribeMids: [Int32: String] = [:]
    var counters = MQTTClientCounters()
    var nextSequence: UInt64 = 0
    var password: String?
    var statusMid: Int32? = nil
    var statusAcknowledged = false
    var waitingForAcknowledgements = false
    var attemptFailure: String? = nil
    var attemptRefused = false
    var lastLibraryError: String? = nil
    /// libmosquitto logged an error while connecting; after TLS failures its loop thread ends
    /// without a disconnect callback, so this is the only sign.
    var libraryFailedWhileConnecting = false
    var droppedWhileDisconnected: UInt64 = 0
    /// Messages handed to libmosquitto and not yet written by this side (`deferWrite`).
    var deferredWrites = 0
    var overflowLogged = false
    var rejectionLogged = false
    var lastPasswordProblem: String? = nil

    init(
        configuration: MQTTConfiguration, handle: OpaquePointer, password: String?,
        continuation: AsyncStream<MQTTEvent>.Continuation, queue: MQTTMessageQueue?, logger: Logger
    ) {
        self.configuration = configuration
        self.handle = handle
        self.password = password
        self.continuation = continuation
        self.queue = queue
        self.logger = logger
        outbox = MQTTOutbox(limits: configuration.outbox)
        network = configuration.tls == nil ? NetworkLoop(handle: handle) : nil
    }

    var address: String { configuration.brokerAddress }

    func countersSnapshot() -> MQTTClientCounters {
        lock.withLock {
            var snapshot = counters
            snapshot.outboxDepth = outbox.count
            snapshot.outboxBytes = outbox.bytes
            snapshot.durableDepth = durableStore?.count ?? 0
            snapshot.droppedIncoming += queue?.droppedCount ?? 0
            return snapshot
        }
    }

    // MARK: Lifecycle (application threads)

    func waitUntilConnected(timeout: Duration) -> Bool {
        let deadline = MonotonicClock.deadline(after: timeout)
        return lock.withLock {
            _ = lock.wait(until: { connected || closeState != .open || stopping }, deadlineNanoseconds: deadline)
            return connected
        }
    }

    func disconnectWithWill() {
        lock.lock()
        defer { lock.unlock() }
        guard closeState == .open, !stopping else { return }
        stopping = true
        if connected {
            disconnectRequested = true
            if configuration.protocolVersion == .v5 {
                _ = mosquitto_disconnect_v5(handle, Int32(MQTT_RC_DISCONNECT_WITH_WILL_MSG.rawValue), nil)
                network?.wake()
            } else {
                let fd = mosquitto_socket(handle)
                if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
            }
        }
        lock.broadcast()
    }

    /// Returns true for the call that did the closing (which then releases the callback context).
    func close() -> Bool {
        lock.lock()
        switch closeState {
        case .closed:
            lock.unlock()
            return false
        case .closing:
            _ = lock.wait(until: { closeState == .closed }, deadlineNanoseconds: nil)
            lock.unlock()
            return false
        case .open:
            closeState = .closing
        }
        // Flush: publish `offline`, then wait (bounded) until it and every message still in
        // the outbox are acknowledged. PUBACKs come in order, so this costs one round trip.
        // With durable messages waiting and no connection, first wait (within the same bound)
        // for the supervisor to reconnect.
        var flushLine: String? = nil
        let deadline = MonotonicClock.deadline(after: configuration.closeTimeout)
        if !connected, !stopping, outbox.durableCount > 0 {
            _ = lock.wait(until: { connected || stopping }, deadlineNanoseconds: deadline)
        }
        if connected, !stopping {
            var offlineMid: Int32? = nil
            if let status = configuration.status {
                offlineMid = handOverStatus(status.offlinePayload, status: status)
                statusMid = offlineMid
                network?.wake()
                statusAcknowledged = false
            }
            waitingForAcknowledgements = true
            let flushed = lock.wait(
                until: { !connected || ((offlineMid == nil || statusAcknowledged) && outbox.count == 0) },
                deadlineNanoseconds: deadline)
            waitingForAcknowledgements = false
            if !flushed || !connected {
                let limit = configuration.closeTimeout.logText
                flushLine = "MQTT close: the 'offline' status and the outbox were not acknowledged within \(limit)"
            } else if configuration.status != nil && offlineMid == nil {
                flushLine = "MQTT close: could not publish the 'offline' status"
            }
        }
        stopping = true
        if connected && !disconnectRequested {
            disconnectRequested = true
            _ = mosquitto_disconnect(handle)
            network?.wake()
        }
        lock.broadcast()
        let thread = supervisorThread
        lock.unlock()
        if let flushLine { log(.warning, flushLine) }

        if let thread { pthread_join(thread, nil) }
        mosquitto_destroy(handle)
        continuation.finish()
        queue?.close()

        lock.lock()
        closeState = .closed
        connected = false
        let kept = outbox.durableCount
        let left = outbox.count - kept
        durableStore?.close()
        lock.broadcast()
        lock.unlock()
        var parts: [String] = []
        if kept > 0, let path = configuration.durableOutbox?.path {
            parts.append("\(kept) durable message\(kept == 1 ? "" : "s") stay in \(path) for the next start")
        }
        if left > 0 { parts.append("dropped \(left) undelivered message\(left == 1 ? "" : "s") from the outbox") }
        log(parts.isEmpty ? .info : .warning, (["MQTT client closed"] + parts).joined(separator: "; "))
        return true
    }
}

extension ClientCore {
    func log(_ level: Logger.Level, _ text: String) { logger.log(level: level, "\(text)") }
}
