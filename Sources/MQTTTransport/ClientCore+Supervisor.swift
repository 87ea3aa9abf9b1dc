import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import SystemPrimitives

// The supervisor thread: one connection attempt after another, with back-off in between.
// See the `MQTTClient` doc comment for why this replaces libmosquitto's own reconnect.
extension ClientCore {
    func start() {
        lock.lock()
        defer { lock.unlock() }
        guard closeState == .open, !stopping, supervisorThread == nil else { return }
        // The thread holds its own reference, so the state outlives it even if the client goes first.
        supervisorThread = startJoinableThread(named: "hamlet-mqtt") { self.runSupervisor() }
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
                let level: Logger.Level = attempt.refused ? .error : .warning
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
            let c = configuration
            if let network {
                // The handle is threaded, so connect_async only queues CONNECT; the thread
                // needs the socket that connect_async opens.
                try MosquittoError.check(
                    mosquitto_connect_async(handle, c.host, Int32(c.port), Int32(c.keepAliveSeconds)), "connect to \(address)")
                network.begin()
                loopStarted = true
            } else {
                try MosquittoError.check(mosquitto_loop_start(handle), "mosquitto_loop_start")
                loopStarted = true
                try MosquittoError.check(
                    mosquitto_connect_async(handle, c.host, Int32(c.port), Int32(c.keepAliveSeconds)), "connect to \(address)")
            }
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

    /// Ends the current connection attempt or connection and joins the loop thread.
    private func stopLoop() {
        lock.lock()
        let needsDisconnect = phase != .down && !disconnectRequested
        if needsDisconnect { disconnectRequested = true }
        lock.unlock()
        if needsDisconnect {
            // Not connected (or stopping, with publishing already refused): no other thread uses the handle.
            _ = mosquitto_disconnect(handle)
            network?.wake()
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
        if let network {
            // Its thread only ever waits in poll (at most a second, and `end` wakes it).
            network.end()
        } else {
            _ = mosquitto_loop_stop(handle, !ended)
        }
    }
}
