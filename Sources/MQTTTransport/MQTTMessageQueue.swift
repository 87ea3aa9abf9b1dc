import SystemPrimitives
/// A bounded FIFO of received messages for a consumer thread that does not use async/await
/// (e.g. the pipeline's hot loop polling between steps).
///
/// The slots are allocated once; the client's loop thread pushes (never blocking: when full, the
/// oldest message is dropped and counted), the consumer pops with a timeout. Popping takes a
/// mutex and moves the message out of its slot without allocating; the message's own storage
/// (topic, payload) was allocated by the receiving thread.
public final class MQTTMessageQueue: @unchecked Sendable {  // all state is guarded by `lock`
    /// Most messages held at once.
    public let capacity: Int
    private let lock = ConditionLock()
    private var slots: [MQTTMessage?]
    private var head = 0
    private var held = 0
    private var closed = false
    private var dropped: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "queue capacity must be positive")
        self.capacity = capacity
        slots = Array(repeating: nil, count: capacity)
    }

    /// Appends `message`; when full, drops the oldest first. Drops (and a message pushed after
    /// `close`) are counted in `droppedCount`.
    func push(_ message: MQTTMessage) {
        lock.lock()
        defer { lock.unlock() }
        if closed {
            dropped += 1
            return
        }
        if held == capacity {
            slots[head] = nil
            head = (head + 1) % capacity
            held -= 1
            dropped += 1
        }
        slots[(head + held) % capacity] = message
        held += 1
        lock.broadcast()
    }

    /// Removes and returns the oldest message, waiting up to `timeout` for one (nil = wait until
    /// one arrives or the queue closes). Returns nil on timeout, or once closed and empty.
    public func pop(timeout: Duration?) -> MQTTMessage? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = timeout.map { MonotonicClock.deadline(after: $0) }
        while held == 0 {
            if closed { return nil }
            if !lock.wait(untilNanoseconds: deadline), held == 0 { return nil }
        }
        return takeFirst()
    }

    /// The oldest message if there is one, without waiting.
    public func tryPop() -> MQTTMessage? {
        lock.lock()
        defer { lock.unlock() }
        return held == 0 ? nil : takeFirst()
    }

    private func takeFirst() -> MQTTMessage? {
        let message = slots[head].take()
        head = (head + 1) % capacity
        held -= 1
        return message
    }

    /// Messages waiting now.
    public var count: Int { lock.withLock { held } }

    /// Messages dropped because the queue was full (or closed).
    public var droppedCount: UInt64 { lock.withLock { dropped } }

    /// True once the client is closed; `pop` then drains what is left and returns nil.
    public var isClosed: Bool { lock.withLock { closed } }

    /// No more messages will arrive; wakes a waiting consumer.
    func close() {
        lock.withLock {
            closed = true
            lock.broadcast()
        }
    }
}
