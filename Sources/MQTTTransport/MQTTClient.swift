import CMosquitto
import Logging

/// An MQTT client over libmosquitto that keeps itself connected.
///
/// - A supervisor thread owns the connection: per attempt it prepares the libmosquitto handle,
///   starts a loop thread and calls `mosquitto_connect_async`, waits for the outcome, and after
///   a failure or a lost connection stops the loop thread and waits an exponential back-off
///   with jitter before the next attempt. libmosquitto's own reconnect never runs.
/// - The loop thread is a `NetworkLoop` for plain TCP, where a publishing thread writes its own
///   messages to the socket (no hand-over to another thread per message), and libmosquitto's
///   own thread (`mosquitto_loop_start`) for TLS.
/// - On every accepted connection (in libmosquitto's connect callback) it resubscribes to every
///   subscription, publishes the retained `online` status and sends the outbox in order.
/// - It owns the outbox: messages are handed to libmosquitto only while connected, and QoS ≥ 1
///   messages stay in the outbox until their PUBACK, so a broker restart loses nothing and
///   duplicates only what was in flight (at-least-once).
/// - Received messages are copied out inside libmosquitto's callback and go to `events` (an
///   `AsyncStream`) or to `messages` (a bounded queue for a non-async thread), never blocking
///   the loop thread.
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
    /// connect yet (see `start()`). `logger` receives rare events, never one line per message.
    public init(
        configuration: MQTTConfiguration, logger: Logger = Logger(label: "mqtt", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(MQTTConfigurationError) {
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
            logger: logger)
        self.configuration = configuration
        self.events = stream
        self.messages = queue
        self.core = core
        callbackContext = Unmanaged.passRetained(core)
        core.userdata = callbackContext.toOpaque()
        if let durable = configuration.durableOutbox {
            do {
                try core.openDurableOutbox(durable)
            } catch {
                close()
                throw error
            }
        }
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
    /// message to libmosquitto, which sends it from its own thread (TLS) or which this thread then
    /// writes to the non-blocking socket itself (plain TCP). `priority` marks messages
    /// (alerts) that a full outbox keeps longer than others. `properties` are sent with MQTT 5 only.
    ///
    /// `deferWrite` (plain TCP): leave the message queued so that a burst goes out in one TCP
    /// segment when `flushDeferredWrites()` is called (at most 16 are held back; the next publish
    /// writes them all). Call it before the thread waits for anything, or the messages wait for
    /// the next network event (at most a second).
    ///
    /// `durable` (QoS ≥ 1, no properties, with `configuration.durableOutbox` set): the message is
    /// written to the on-disk outbox before this returns and stays there until the broker
    /// acknowledges it, so it survives the process and is sent by the next client on that file.
    /// A subscriber may see it twice (one in flight at a crash): give payloads an id to drop
    /// duplicates by. Otherwise it is kept in memory like a priority message.
    @discardableResult
    public func publish(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        properties: MQTTProperties = .init(), priority: Bool = false, durable: Bool = false, deferWrite: Bool = false
    ) -> MQTTPublishOutcome {
        core.publish(
            topic: topic, payload: payload, qos: qos, retain: retain, properties: properties, priority: priority || durable,
            durable: durable, deferWrite: deferWrite)
    }

    /// Writes the messages published with `deferWrite`, together.
    public func flushDeferredWrites() { core.flushDeferredWrites() }

    /// Blocks the calling thread until connected, closed, or `timeout`; returns `isConnected`.
    /// From async code, poll `isConnected` or watch `events` instead.
    public func waitUntilConnected(timeout: Duration) -> Bool { core.waitUntilConnected(timeout: timeout) }

    /// Publishes the retained `offline` status, waits (up to `closeTimeout`) until it and the
    /// outbox's unacknowledged messages are acknowledged, disconnects, stops libmosquitto's
    /// thread and the supervisor, and finishes `events` and `messages`. With durable messages
    /// waiting while disconnected, it first waits (within the same `closeTimeout`) for a
    /// connection. Messages still in the outbox after that are dropped (logged with their
    /// number), except durable ones, which stay on disk for the next start. Idempotent; a second caller
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
