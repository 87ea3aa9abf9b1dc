import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging

// The connection-level handlers the loop thread calls (libmosquitto's with TLS, the
// `NetworkLoop`'s otherwise, or a publishing thread while it writes), and the capture-free C
// functions that reach them through the `obj` context pointer. Handlers take `lock` only
// briefly and never wait, so the loop thread is never blocked.
extension ClientCore {
    static func from(_ obj: UnsafeMutableRawPointer?) -> ClientCore? {
        guard let obj else { return nil }
        return Unmanaged<ClientCore>.fromOpaque(obj).takeUnretainedValue()
    }

    func handleConnect(reasonCode: Int32, flags: Int32) {
        var lines: [(Logger.Level, String)] = []
        lock.lock()
        if reasonCode == 0 {
            phase = .up
            if !stopping {
                connected = true
                counters.connections += 1
                if counters.connections > 1 { counters.reconnects += 1 }
                resubscribeAll(logging: &lines)
                if let status = configuration.status {
                    statusMid = handOverStatus(status.onlinePayload, status: status)
                }
                let resend = outbox.count
                let dropped = droppedWhileDisconnected
                drainOutbox()
                let session = (flags & 1) != 0 ? "yes" : "no"
                let tls = configuration.tls == nil ? "" : ", TLS"
                if counters.connections == 1 {
                    let version = configuration.protocolVersion
                    lines.append((.info, "MQTT connected to \(address) (\(version)\(tls), session present: \(session))"))
                } else {
                    let text =
                        "MQTT reconnected to \(address) (session present: \(session)); resubscribed to \(subscriptions.count) "
                        + "topic filters, sending \(resend) messages from the outbox, \(dropped) dropped while disconnected"
                    lines.append((.info, text))
                }
                droppedWhileDisconnected = 0
                overflowLogged = false
            }
        } else {
            phase = .refused
            attemptRefused = true
            counters.connectionRefusals += 1
            let reason = MQTTReasonCode.message(reasonCode, protocolVersion: configuration.protocolVersion)
            var text = "MQTT broker \(address) refused the connection: \(reason) (reason \(reasonCode))"
            if let hint = MQTTReasonCode.hint(forRefusal: reasonCode, protocolVersion: configuration.protocolVersion) {
                text += "; \(hint)"
            }
            attemptFailure = text
        }
        lock.broadcast()
        lock.unlock()
        if reasonCode == 0 {
            // libmosquitto formats a line (malloc + vsnprintf) for every packet while a log
            // callback is set, and only the errors of an attempt that fails are of use to us:
            // off until `prepareHandle` sets it again for the next attempt. Outside `lock`, as
            // libmosquitto holds its log mutex while it calls `mqttOnLog`, which may take `lock`.
            mosquitto_log_callback_set(handle, nil)
        }
        continuation.yield(.connected(reasonCode: reasonCode, sessionPresent: (flags & 1) != 0))
        for (level, line) in lines { log(level, line) }
    }

    func handleDisconnect(reasonCode: Int32, systemErrorNumber: Int32) {
        lock.lock()
        let wasConnected = connected
        connected = false
        phase = .down
        let requeued = outbox.requeueUnacknowledged()
        let intentional = stopping || disconnectRequested
        if wasConnected && !intentional { counters.connectionLosses += 1 }
        let reason = MosquittoError(code: reasonCode, operation: "connection", systemErrorNumber: systemErrorNumber).phrase
        if attemptFailure == nil && reasonCode != 0 { attemptFailure = reason }
        let pending = outbox.count
        lock.broadcast()
        lock.unlock()
        // Leaves the handle "disconnected" so that libmosquitto's loop thread exits instead of
        // reconnecting by itself; the supervisor decides when to try again.
        _ = mosquitto_disconnect(handle)
        continuation.yield(.disconnected(reasonCode: reasonCode))
        if wasConnected && !intentional {
            log(.warning,
                "MQTT connection to \(address) lost: \(reason); reconnecting, "
                    + "the outbox keeps \(pending) messages (\(requeued) unacknowledged)")
        }
    }

    func handleMessage(_ message: MQTTMessage) {
        // Counted before it is handed on, so that whoever receives it sees it counted.
        lock.withLock { counters.messagesReceived += 1 }
        if let queue {
            queue.push(message)  // counts its own drops
        } else if case .dropped = continuation.yield(.message(message)) {
            lock.withLock { counters.droppedIncoming += 1 }
        }
    }

    func handleLibraryLog(level: Int32, text: String) {
        guard level & Int32(MOSQ_LOG_ERR) != 0 else { return }
        lock.withLock {
            lastLibraryError = text
            if phase == .connecting {
                libraryFailedWhileConnecting = true
                lock.broadcast()
            }
        }
    }
}

// MARK: - C callbacks (capture-free; everything goes through `obj`)

/// Runs `body` with thread cancellation disabled, so that a forced `mosquitto_loop_stop` cannot
/// cancel the loop thread while it holds the client's lock.
@inline(__always)
private func withoutCancellation(_ body: () -> Void) {
    var previous: Int32 = 0
    pthread_setcancelstate(Int32(PTHREAD_CANCEL_DISABLE), &previous)
    body()
    pthread_setcancelstate(previous, nil)
}

func mqttOnConnect(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ rc: Int32, _ flags: Int32, _: OpaquePointer?) {
    withoutCancellation { ClientCore.from(obj)?.handleConnect(reasonCode: rc, flags: flags) }
}

func mqttOnDisconnect(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ rc: Int32, _: OpaquePointer?) {
    let systemError = errno
    withoutCancellation { ClientCore.from(obj)?.handleDisconnect(reasonCode: rc, systemErrorNumber: systemError) }
}

func mqttOnPublish(
    _: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ mid: Int32, _ reasonCode: Int32, _: OpaquePointer?
) {
    withoutCancellation { ClientCore.from(obj)?.handlePublishAcknowledged(mid: mid, reasonCode: reasonCode) }
}

func mqttOnMessage(
    _: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?,
    _ properties: OpaquePointer?
) {
    guard let message else { return }
    withoutCancellation {
        guard let core = ClientCore.from(obj) else { return }
        // libmosquitto frees the message when the callback returns: copy everything now.
        let m = message.pointee
        let payload = m.payloadlen > 0 && m.payload != nil
            ? Array(UnsafeRawBufferPointer(start: m.payload, count: Int(m.payloadlen))) : []
        let copied = MQTTMessage(
            topic: m.topic.map { String(cString: $0) } ?? "", payload: payload,
            qos: MQTTQoS(rawValue: m.qos) ?? .atMostOnce, retain: m.retain,
            properties: core.configuration.protocolVersion == .v5 ? MosquittoProperties.read(properties) : MQTTProperties())
        core.handleMessage(copied)
    }
}

func mqttOnSubscribe(
    _: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ mid: Int32, _ count: Int32, _ granted: UnsafePointer<Int32>?,
    _: OpaquePointer?
) {
    let grantedQoS = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(count, 0)))) } ?? []
    withoutCancellation { ClientCore.from(obj)?.handleSubscribeAcknowledged(mid: mid, grantedQoS: grantedQoS) }
}

func mqttOnLog(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ level: Int32, _ text: UnsafePointer<CChar>?) {
    guard level & Int32(MOSQ_LOG_ERR) != 0, let text else { return }
    let line = String(cString: text)
    withoutCancellation { ClientCore.from(obj)?.handleLibraryLog(level: level, text: line) }
}
