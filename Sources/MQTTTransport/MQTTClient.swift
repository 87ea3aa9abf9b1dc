import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An MQTT client over libmosquitto that keeps itself connected.
///
/// - A supervisor thread owns the connection: per attempt it prepares the libmosquitto handle,
///   calls `mosquitto_loop_start` and then `mosquitto_connect_async`, waits for the outcome, and
///   after a failure or a lost connection stops the loop thread and waits an exponential back-off
///   with jitter before the next attempt. libmosquitto's own reconnect never runs.
/// - On every accepted connection (in libmosquitto's connect callback) it resubscribes to every
///   subscription, publishes the retained `online` status and sends the outbox in order.
/// - It owns the outbox: messages are handed to libmosquitto only while connected, and QoS ≥ 1
///   messages stay in the outbox until their PUBACK, so a broker restart loses nothing and
///   duplicates only what was in flight (at-least-once).
/// - Received messages are copied out inside libmosquitto's callback and go to `events` (an
///   `AsyncStream`) or to `messages` (a bounded queue for a non-async thread), never blocking
///   libmosquitto's thread.
///
/// `publish`, `subscribe`, `counters` and `close` may be called from any thread.
///
/// Why a supervisor instead of libmosquitto's `reconnect_delay_set`: that back-off counts whole
/// seconds, grows quadratically and has no jitter, and its loop thread ends for good after a
/// "fatal" error (a failed TLS handshake ends it silently, without a disconnect callback; DNS
/// errors too), leaving a client that never reconnects. Why a reinitialised handle per attempt:
/// `loop_start` then `connect_async` on a handle left "disconnected" lets the new loop thread
/// exit before the socket exists (11 of 300 probe attempts hung), while a reinitialised handle
/// never did (0 of 300, one TCP connect each under strace); it also drops libmosquitto's own
/// copies of unacknowledged messages, so only the outbox sends them again.
public final class MQTTClient: @unchecked Sendable {
    // @unchecked: every mutable field lives in `core`, guarded by its ConditionLock, and the
    // libmosquitto handle is used only under the rules written on `ClientCore`.

    public let configuration: MQTTConfiguration
    /// Connection events, and received messages with `MQTTMessageDelivery.stream`. Finishes at `close()`.
    public let events: AsyncStream<MQTTEvent>
    /// Received messages with `MQTTMessageDelivery.queue`; nil with `.stream`.
    public let messages: MQTTMessageQueue?
    private let core: ClientCore
    /// The reference libmosquitto's callbacks use (`obj`), released by `close()`.
    private let callbackContext: Unmanaged<ClientCore>

    /// Checks `configuration`, reads the password file and prepares libmosquitto; does not
    /// connect yet (see `start()`). `log` receives rare events, never one line per message.
    public init(configuration: MQTTConfiguration, log: @escaping MQTTLog = { _, _ in }) throws(MQTTConfigurationError) {
        try configuration.validate()
        var password: String? = nil
        if let path = configuration.passwordFile { password = try MQTTConfiguration.readPassword(fromFile: path) }
        MosquittoLibrary.ensureInitialised()

        let queue: MQTTMessageQueue?
        let eventCapacity: Int
        switch configuration.messageDelivery {
        case .stream(let capacity):
            queue = nil
            eventCapacity = capacity
        case .queue(let capacity):
            queue = MQTTMessageQueue(capacity: capacity)
            eventCapacity = 256
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTEvent.self, bufferingPolicy: .bufferingNewest(eventCapacity))
        guard let handle = mosquitto_new(nil, true, nil) else {
            continuation.finish()
            throw .rejected(MosquittoError(code: MOSQ_ERR_NOMEM.rawValue, operation: "mosquitto_new"))
        }
        let core = ClientCore(
            configuration: configuration, handle: handle, password: password, continuation: continuation, queue: queue,
            log: log)
        self.configuration = configuration
        self.events = stream
        self.messages = queue
        self.core = core
        callbackContext = Unmanaged.passRetained(core)
        core.userdata = callbackContext.toOpaque()
        do {
            // Once here, so that a setting libmosquitto refuses (a bad TLS file…) fails now, not in a retry loop.
            try core.prepareHandle()
        } catch {
            close()
            throw .rejected(error)
        }
    }

    deinit { close() }

    /// Starts connecting (in the background; see `events`, `isConnected`). Idempotent.
    public func start() { core.start() }

    /// True between an accepted CONNACK and the end of that connection.
    public var isConnected: Bool { core.lock.withLock { core.connected } }

    /// A snapshot of the counters.
    public var counters: MQTTClientCounters { core.countersSnapshot() }

    /// Subscribes to `topicFilter` now if connected, and again after every reconnect.
    /// Subscribing again to the same filter changes its QoS. Throws for an invalid filter.
    public func subscribe(_ topicFilter: String, qos: MQTTQoS = .atLeastOnce) throws(MosquittoError) {
        try core.subscribe(topicFilter, qos: qos)
    }

    /// Forgets `topicFilter` and unsubscribes now if connected.
    public func unsubscribe(_ topicFilter: String) { core.unsubscribe(topicFilter) }

    /// Publishes a message, or keeps it in the outbox until connected.
    ///
    /// Never blocks on the network: it takes the client's lock, and while connected hands the
    /// message to libmosquitto (which sends it from its own thread). `priority` marks messages
    /// (alerts) that a full outbox keeps longer than others. `properties` are sent with MQTT 5 only.
    @discardableResult
    public func publish(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        properties: MQTTProperties = .init(), priority: Bool = false
    ) -> MQTTPublishOutcome {
        core.publish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties, priority: priority)
    }

    /// Blocks the calling thread until connected, closed, or `timeout`; returns `isConnected`.
    /// From async code, poll `isConnected` or watch `events` instead.
    public func waitUntilConnected(timeout: Duration) -> Bool { core.waitUntilConnected(timeout: timeout) }

    /// Publishes the retained `offline` status, waits (up to `closeTimeout`) until it and the
    /// outbox's unacknowledged messages are acknowledged, disconnects, stops libmosquitto's
    /// thread and the supervisor, and finishes `events` and `messages`. Messages still in the
    /// outbox after that are dropped (logged with their number). Idempotent; a second caller
    /// waits for the first to finish. Blocks the calling thread.
    public func close() {
        if core.close() { callbackContext.release() }
    }

    /// Test seam: makes the broker publish the Will as if this process had died. With MQTT 5 it
    /// sends DISCONNECT with reason 4 ("disconnect with Will message"), with MQTT 3.1.1 it shuts
    /// the socket down without a DISCONNECT. The client then stops reconnecting and does not
    /// publish `offline` itself; `close()` is still needed to release it.
    @_spi(Testing) public func disconnectWithWillForTesting() { core.disconnectWithWill() }
}

// MARK: - Shared state

/// The state the supervisor thread, libmosquitto's loop thread and application threads share.
///
/// Rules for the libmosquitto handle:
/// - Between connections (`connected == false`, no loop thread) only the supervisor touches it
///   (`mosquitto_reinitialise`, options, `loop_start`, `connect_async`, `loop_stop`).
/// - While connected, `mosquitto_publish`/`subscribe`/`disconnect` are called with `lock` held
///   (from application threads and from the callbacks on libmosquitto's thread), so the outbox's
///   record of message ids always matches what libmosquitto was given.
/// - Callbacks take `lock` only briefly and never wait on anything.
final class ClientCore: @unchecked Sendable {  // guarded by `lock` as described above
    enum Phase: Equatable { case idle, connecting, up, refused, down }
    enum CloseState { case open, closing, closed }

    let configuration: MQTTConfiguration
    let handle: OpaquePointer
    let log: MQTTLog
    let lock = ConditionLock()
    let continuation: AsyncStream<MQTTEvent>.Continuation
    let queue: MQTTMessageQueue?
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
    var overflowLogged = false
    var rejectionLogged = false
    var lastPasswordProblem: String? = nil

    init(
        configuration: MQTTConfiguration, handle: OpaquePointer, password: String?,
        continuation: AsyncStream<MQTTEvent>.Continuation, queue: MQTTMessageQueue?, log: @escaping MQTTLog
    ) {
        self.configuration = configuration
        self.handle = handle
        self.password = password
        self.continuation = continuation
        self.queue = queue
        self.log = log
        outbox = MQTTOutbox(limits: configuration.outbox)
    }

    static func from(_ obj: UnsafeMutableRawPointer?) -> ClientCore? {
        guard let obj else { return nil }
        return Unmanaged<ClientCore>.fromOpaque(obj).takeUnretainedValue()
    }

    var address: String { configuration.brokerAddress }

    func countersSnapshot() -> MQTTClientCounters {
        lock.withLock {
            var snapshot = counters
            snapshot.outboxDepth = outbox.count
            snapshot.outboxBytes = outbox.bytes
            snapshot.droppedIncoming += queue?.droppedCount ?? 0
            return snapshot
        }
    }

    // MARK: Handle preparation (supervisor thread, no loop thread running)

    /// Resets the handle and applies every setting: protocol, callbacks, Will, credentials, TLS
    /// and (MQTT 5) the CONNECT properties. A fresh handle per attempt also discards
    /// libmosquitto's own queue of unacknowledged messages, which the outbox re-sends instead.
    func prepareHandle() throws(MosquittoError) {
        let c = configuration
        let clientID: String? = c.clientID.isEmpty ? nil : c.clientID
        try MosquittoError.check(mosquitto_reinitialise(handle, clientID, c.cleanStart, userdata), "mosquitto_reinitialise")
        let version = c.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try MosquittoError.check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version), "protocol version")
        mosquitto_connect_v5_callback_set(handle, mqttOnConnect)
        mosquitto_disconnect_v5_callback_set(handle, mqttOnDisconnect)
        mosquitto_publish_v5_callback_set(handle, mqttOnPublish)
        mosquitto_message_v5_callback_set(handle, mqttOnMessage)
        mosquitto_subscribe_v5_callback_set(handle, mqttOnSubscribe)
        mosquitto_log_callback_set(handle, mqttOnLog)
        // Only bounds libmosquitto's own retry path, which the supervisor pre-empts by
        // stopping the loop thread after every disconnect.
        _ = mosquitto_reconnect_delay_set(handle, 1, 1, false)
        if let status = c.status {
            let rc = status.offlinePayload.withUnsafeBytes {
                mosquitto_will_set(handle, status.topic, Int32($0.count), $0.baseAddress, status.qos.rawValue, true)
            }
            try MosquittoError.check(rc, "mosquitto_will_set \(status.topic)")
        }
        if let userName = c.userName {
            let secret = currentPassword()
            try MosquittoError.check(mosquitto_username_pw_set(handle, userName, secret), "mosquitto_username_pw_set")
        }
        if let tls = c.tls {
            try MosquittoError.check(
                mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil), "mosquitto_tls_set")
            try MosquittoError.check(mosquitto_tls_opts_set(handle, 1, nil, nil), "mosquitto_tls_opts_set")
            try MosquittoError.check(
                mosquitto_tls_insecure_set(handle, tls.allowsInsecureHostname), "mosquitto_tls_insecure_set")
        }
        if c.protocolVersion == .v5 && c.sessionExpirySeconds > 0 {
            // libmosquitto 2.0.11 has no asynchronous connect that takes CONNECT properties, but
            // connect_async sends whatever `mosquitto_connect_bind_v5` stored. That call stores
            // the properties before it validates the keep-alive, so keep-alive 1 (invalid)
            // stores them and returns MOSQ_ERR_INVAL without connecting. The "session present"
            // test checks that the broker really kept the session.
            var properties: OpaquePointer? = nil
            defer { mosquitto_property_free_all(&properties) }
            try MosquittoError.check(
                mosquitto_property_add_int32(
                    &properties, MosquittoProperties.id(MQTT_PROP_SESSION_EXPIRY_INTERVAL), c.sessionExpirySeconds),
                "session expiry property")
            let rc = mosquitto_connect_bind_v5(handle, c.host, Int32(c.port), 1, nil, properties)
            if rc != MOSQ_ERR_INVAL.rawValue {
                throw MosquittoError.capturing(code: rc, operation: "storing the CONNECT properties")
            }
        }
    }

    /// The password file's current content; the last good one if it cannot be read now.
    private func currentPassword() -> String? {
        guard let path = configuration.passwordFile else { return nil }
        do {
            let fresh = try MQTTConfiguration.readPassword(fromFile: path)
            lock.withLock { password = fresh }
            return fresh
        } catch {
            let (last, isNew) = lock.withLock { () -> (String?, Bool) in
                defer { lastPasswordProblem = error.description }
                return (password, lastPasswordProblem != error.description)
            }
            if isNew { log(.warning, "\(error); using the password read earlier") }
            return last
        }
    }

    // MARK: Supervisor

    func start() {
        lock.lock()
        defer { lock.unlock() }
        guard closeState == .open, !stopping, supervisorThread == nil else { return }
        // The thread holds its own reference, so the state outlives it even if the client goes first.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { context in
                let core = Unmanaged<ClientCore>.fromOpaque(context!).takeRetainedValue()
                _ = hamlet_mqtt_set_thread_name("hamlet-mqtt")
                core.runSupervisor()
                return nil
            }, context)
        // pthread_create fails only when the process is out of threads or memory.
        precondition(rc == 0, "MQTT cannot start its supervisor thread: \(String(cString: strerror(rc)))")
        supervisorThread = thread
    }

    private func runSupervisor() {
        var failedAttempts = 0
        var lastFailure: String? = nil
        while true {
            guard let attempt = runAttempt() else { break }
            if attempt.reachedUp {
                failedAttempts = 0
                lastFailure = nil
            } else {
                failedAttempts += 1
            }
            let delay = configuration.reconnect.delay(
                forAttempt: max(failedAttempts - 1, 0), unitRandom: Double.random(in: 0..<1))
            lock.withLock { counters.lastReconnectDelay = delay }
            if attempt.reachedUp {
                log(.debug, "MQTT reconnecting in \(delay.logText)")
            } else {
                // The first failure of a streak, a new reason, and every 10th attempt are worth a line.
                let repeated = attempt.failure == lastFailure
                let level: MQTTLogLevel = attempt.refused ? .error : .warning
                let text: String
                if attempt.refused {
                    text = repeated ? "\(attempt.failure) [attempt \(failedAttempts)]" : attempt.failure
                } else if repeated {
                    text = "MQTT broker \(address) still not reachable after \(failedAttempts) attempts: \(attempt.failure)"
                } else {
                    text = "MQTT broker \(address) is not reachable: \(attempt.failure)"
                }
                let worthALine = !repeated || failedAttempts % 10 == 0
                log(worthALine ? level : .debug, "\(text); retrying in \(delay.logText)")
                lastFailure = attempt.failure
            }
            let deadline = MonotonicClock.deadline(after: delay)
            lock.lock()
            _ = lock.wait(until: { stopping }, deadlineNanoseconds: deadline)
            lock.unlock()
        }
    }

    private struct AttemptResult {
        /// The broker accepted the connection (which has now ended).
        var reachedUp: Bool
        /// The broker answered with a refusal reason code.
        var refused: Bool
        /// Why the attempt failed (unused when `reachedUp`).
        var failure: String
    }

    /// One connection: prepare the handle, `loop_start`, `connect_async`, wait for the outcome
    /// and, once it is over, stop the loop thread. Returns nil when the client is stopping.
    private func runAttempt() -> AttemptResult? {
        lock.lock()
        if stopping {
            lock.unlock()
            return nil
        }
        phase = .connecting
        disconnectRequested = false
        attemptFailure = nil
        attemptRefused = false
        lastLibraryError = nil
        libraryFailedWhileConnecting = false
        counters.connectAttempts += 1
        lock.unlock()

        var loopStarted = false
        var setupFailure: MosquittoError? = nil
        do throws(MosquittoError) {
            try prepareHandle()
            try MosquittoError.check(mosquitto_loop_start(handle), "mosquitto_loop_start")
            loopStarted = true
            let c = configuration
            try MosquittoError.check(
                mosquitto_connect_async(handle, c.host, Int32(c.port), Int32(c.keepAliveSeconds)), "connect to \(address)")
        } catch {
            setupFailure = error
        }

        var result = AttemptResult(reachedUp: false, refused: false, failure: "the connection ended")
        lock.lock()
        if let setupFailure {
            // TLS can fail inside connect_async when the handshake completes at once.
            result.failure = lastLibraryError.map(explainLibraryError) ?? setupFailure.description
        } else {
            let deadline = MonotonicClock.deadline(after: configuration.connectTimeout)
            let answered = lock.wait(
                until: { phase == .up || phase == .down || stopping || libraryFailedWhileConnecting },
                deadlineNanoseconds: deadline)
            if phase == .up {
                result.reachedUp = true
                // Every connection ends with a disconnect callback; as a safety net, a socket
                // that stays closed for two checks a second apart without one ends it too.
                var closedSocketChecks = 0
                while phase != .down && !stopping {
                    if lock.wait(untilNanoseconds: MonotonicClock.deadline(after: .seconds(1))) { continue }
                    closedSocketChecks = mosquitto_socket(handle) < 0 ? closedSocketChecks + 1 : 0
                    if closedSocketChecks >= 2 {
                        connected = false  // from now on publish() only fills the outbox
                        counters.connectionLosses += 1
                        lock.unlock()
                        log(.warning, "MQTT connection to \(address) ended without a disconnect callback; reconnecting")
                        lock.lock()
                        break
                    }
                }
            } else if !answered {
                result.failure = "no answer within \(configuration.connectTimeout.logText)"
            } else if attemptRefused, let refusal = attemptFailure {
                result.refused = true
                result.failure = refusal
            } else if libraryFailedWhileConnecting, phase == .connecting, let detail = lastLibraryError {
                result.failure = explainLibraryError(detail)
            } else if let failure = attemptFailure {
                result.failure = failure
                if let detail = lastLibraryError { result.failure += " (\(detail))" }
            }
        }
        lock.unlock()

        if loopStarted { stopLoop() }

        lock.lock()
        if phase != .down {
            // No disconnect callback (timeout, stop, or libmosquitto gave up silently).
            connected = false
            outbox.requeueUnacknowledged()
        }
        phase = .idle
        let stop = stopping
        lock.unlock()
        return stop ? nil : result
    }

    /// A libmosquitto error line, with what to check for the common TLS failure.
    private func explainLibraryError(_ detail: String) -> String {
        detail.contains("certificate verify failed")
            ? "\(detail); check the CA file and that the broker's certificate names \(configuration.host)" : detail
    }

    /// Ends the current connection attempt or connection and joins libmosquitto's loop thread.
    private func stopLoop() {
        lock.lock()
        let needsDisconnect = phase != .down && !disconnectRequested
        if needsDisconnect { disconnectRequested = true }
        lock.unlock()
        if needsDisconnect {
            // Not connected (or stopping, with publishing already refused): no other thread uses the handle.
            _ = mosquitto_disconnect(handle)
        }
        lock.lock()
        // Closing a live connection: the DISCONNECT has to go out first. Otherwise the loop
        // thread either reports the end at once or is stuck (or already gone, see
        // `libraryFailedWhileConnecting`).
        let grace = stopping && phase == .up ? max(configuration.closeTimeout, .milliseconds(200)) : .milliseconds(200)
        let ended = lock.wait(until: { phase == .down }, deadlineNanoseconds: MonotonicClock.deadline(after: grace))
        lock.unlock()
        // After the disconnect callback the loop thread exits by itself (the callback leaves
        // the handle "disconnected", so libmosquitto does not retry). Without a callback it may
        // be stuck in a TCP connect or TLS handshake: cancel it (callbacks disable cancellation).
        _ = mosquitto_loop_stop(handle, !ended)
    }

    // MARK: Callbacks (libmosquitto's loop thread)

    func handleConnect(reasonCode: Int32, flags: Int32) {
        var lines: [(MQTTLogLevel, String)] = []
        lock.lock()
        if reasonCode == 0 {
            phase = .up
            if !stopping {
                connected = true
                counters.connections += 1
                if counters.connections > 1 { counters.reconnects += 1 }
                for subscription in subscriptions {
                    var mid: Int32 = 0
                    let rc = mosquitto_subscribe_v5(handle, &mid, subscription.filter, subscription.qos.rawValue, 0, nil)
                    if rc == MOSQ_ERR_SUCCESS.rawValue {
                        subscribeMids[mid] = subscription.filter
                    } else {
                        let error = MosquittoError.capturing(code: rc, operation: subscription.filter)
                        lines.append((.warning, "MQTT resubscribe \(error)"))
                    }
                }
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

    func handlePublishAcknowledged(mid: Int32, reasonCode: Int32) {
        var line: String? = nil
        lock.lock()
        if let entry = outbox.acknowledge(mid: mid) {
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

    func handleMessage(_ message: MQTTMessage) {
        var droppedOne = false
        if let queue {
            droppedOne = !queue.push(message)
        } else if case .dropped = continuation.yield(.message(message)) {
            droppedOne = true
        }
        lock.withLock {
            counters.messagesReceived += 1
            if droppedOne && queue == nil { counters.droppedIncoming += 1 }
        }
    }

    func handleSubscribeAcknowledged(mid: Int32, grantedQoS: [Int32]) {
        let filter = lock.withLock { subscribeMids.removeValue(forKey: mid) }
        for granted in grantedQoS where granted >= 0x80 {
            let reason = MQTTReasonCode.message(granted, protocolVersion: configuration.protocolVersion)
            let what = filter ?? "a topic filter"
            log(.warning, "MQTT broker \(address) refused the subscription to \(what): \(reason) (reason \(granted))")
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

    // MARK: Publishing (lock held, connected)

    private enum Handover { case sent, retryLater, dropped(MQTTDropReason) }

    /// Hands pending messages to libmosquitto in publication order until the outbox has none
    /// left or the connection is gone. Returns the outcome for `sequence`, if it was handed over.
    @discardableResult
    private func drainOutbox(reporting sequence: UInt64? = nil) -> MQTTPublishOutcome? {
        var outcome: MQTTPublishOutcome? = nil
        while connected, let entry = outbox.popOldestPending() {
            switch handOver(entry) {
            case .sent:
                if entry.sequence == sequence { outcome = .sent }
            case .dropped(let reason):
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
    private func handOverStatus(_ payload: [UInt8], status: MQTTStatusConfiguration) -> Int32? {
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes {
            mosquitto_publish_v5(handle, &mid, status.topic, Int32($0.count), $0.baseAddress, status.qos.rawValue, true, nil)
        }
        return rc == MOSQ_ERR_SUCCESS.rawValue ? mid : nil
    }

    // MARK: Application-facing operations

    func publish(
        topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTProperties, priority: Bool
    ) -> MQTTPublishOutcome {
        let topicValid = mosquitto_pub_topic_check2(topic, topic.utf8.count) == MOSQ_ERR_SUCCESS.rawValue
        var line: (MQTTLogLevel, String)? = nil
        lock.lock()
        defer {
            lock.unlock()
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
        let admission = outbox.admit(entry)
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
                    "MQTT outbox full (\(limits.maximumMessages) messages / \(limits.maximumBytes) bytes) while "
                        + (connected ? "waiting for acknowledgements" : "disconnected")
                        + ": dropping the oldest non-priority messages first; further drops are only counted")
            }
        }
        if let rejection = admission.rejection { return .dropped(rejection) }
        guard connected else { return .queued }
        return drainOutbox(reporting: sequence) ?? .queued
    }

    func subscribe(_ filter: String, qos: MQTTQoS) throws(MosquittoError) {
        try MosquittoError.check(mosquitto_sub_topic_check2(filter, filter.utf8.count), "subscribe '\(filter)'")
        lock.lock()
        defer { lock.unlock() }
        guard closeState == .open else {
            throw MosquittoError(code: MOSQ_ERR_INVAL.rawValue, operation: "subscribe '\(filter)' after close")
        }
        if let index = subscriptions.firstIndex(where: { $0.filter == filter }) {
            subscriptions[index].qos = qos
        } else {
            subscriptions.append((filter, qos))
        }
        if connected {
            var mid: Int32 = 0
            let rc = mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil)
            if rc == MOSQ_ERR_SUCCESS.rawValue { subscribeMids[mid] = filter }
            // Any other result means the connection is going; the next connect subscribes again.
        }
    }

    func unsubscribe(_ filter: String) {
        lock.lock()
        defer { lock.unlock() }
        subscriptions.removeAll { $0.filter == filter }
        if connected && closeState == .open { _ = mosquitto_unsubscribe_v5(handle, nil, filter, nil) }
    }

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
        var flushLine: String? = nil
        if connected, !stopping {
            var offlineMid: Int32? = nil
            if let status = configuration.status {
                offlineMid = handOverStatus(status.offlinePayload, status: status)
                statusMid = offlineMid
                statusAcknowledged = false
            }
            waitingForAcknowledgements = true
            let deadline = MonotonicClock.deadline(after: configuration.closeTimeout)
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
        let left = outbox.count
        lock.broadcast()
        lock.unlock()
        if left > 0 {
            log(.warning, "MQTT client closed; dropped \(left) undelivered message\(left == 1 ? "" : "s") from the outbox")
        } else {
            log(.info, "MQTT client closed")
        }
        return true
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

private func mqttOnConnect(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ rc: Int32, _ flags: Int32, _: OpaquePointer?) {
    withoutCancellation { ClientCore.from(obj)?.handleConnect(reasonCode: rc, flags: flags) }
}

private func mqttOnDisconnect(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ rc: Int32, _: OpaquePointer?) {
    let systemError = errno
    withoutCancellation { ClientCore.from(obj)?.handleDisconnect(reasonCode: rc, systemErrorNumber: systemError) }
}

private func mqttOnPublish(
    _: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ mid: Int32, _ reasonCode: Int32, _: OpaquePointer?
) {
    withoutCancellation { ClientCore.from(obj)?.handlePublishAcknowledged(mid: mid, reasonCode: reasonCode) }
}

private func mqttOnMessage(
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

private func mqttOnSubscribe(
    _: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ mid: Int32, _ count: Int32, _ granted: UnsafePointer<Int32>?,
    _: OpaquePointer?
) {
    let grantedQoS = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(count, 0)))) } ?? []
    withoutCancellation { ClientCore.from(obj)?.handleSubscribeAcknowledged(mid: mid, grantedQoS: grantedQoS) }
}

private func mqttOnLog(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ level: Int32, _ text: UnsafePointer<CChar>?) {
    guard level & Int32(MOSQ_LOG_ERR) != 0, let text else { return }
    let line = String(cString: text)
    withoutCancellation { ClientCore.from(obj)?.handleLibraryLog(level: level, text: line) }
}
