import Dispatch
import Synchronization
import SystemPrimitives

/// Preallocated single-producer/single-consumer ring of fixed-size mono Float periods.
///
/// The producer (one thread) fills a slot and publishes it; when the ring is full it reports
/// that, and the caller counts the period as dropped. The consumer (one thread) blocks on a
/// counting semaphore, one signal per published period plus one at `finish()`; a blocked
/// consumer costs a futex wake, an unblocked one only atomics. Indices are monotonically
/// increasing `Atomic<Int>` counters (head = consumed, tail = published). No allocation and no
/// lock after `init`.
final class PeriodRing: @unchecked Sendable {
    let periodFrames: Int
    let capacity: Int
    private let samples: UnsafeMutablePointer<Float>
    private let infos: UnsafeMutablePointer<PeriodInfo>
    private let head = Atomic<Int>(0)
    private let tail = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    private let available = DispatchSemaphore(value: 0)

    init(periodFrames: Int, capacity: Int) {
        precondition(periodFrames > 0 && capacity > 0)
        self.periodFrames = periodFrames
        self.capacity = capacity
        samples = .allocate(capacity: periodFrames * capacity)
        samples.initialize(repeating: 0, count: periodFrames * capacity)
        infos = .allocate(capacity: capacity)
        infos.initialize(repeating: PeriodInfo(sequenceNumber: 0, validFrames: 0, followsGap: false), count: capacity)
    }

    deinit {
        samples.deallocate()
        infos.deallocate()
    }

    // MARK: producer side (one thread)

    /// The slot to fill next, or nil when the ring is full (the consumer is behind).
    func producerSlot() -> UnsafeMutableBufferPointer<Float>? {
        let t = tail.load(ordering: .relaxed)
        let h = head.load(ordering: .acquiring)
        if t - h >= capacity { return nil }
        return UnsafeMutableBufferPointer(start: samples + (t % capacity) * periodFrames, count: periodFrames)
    }

    /// Publishes the slot returned by the last `producerSlot()`.
    func publish(_ info: PeriodInfo) {
        let t = tail.load(ordering: .relaxed)
        infos[t % capacity] = info
        tail.store(t + 1, ordering: .releasing)
        available.signal()
    }

    /// No more periods will be published; the consumer drains what is left, then sees end of stream.
    func finish() {
        if finished.exchange(true, ordering: .acquiringAndReleasing) { return }
        available.signal()
    }

    // MARK: consumer side (one thread)

    func read(into buffer: UnsafeMutableBufferPointer<Float>, timeout: Duration?) -> PeriodReadResult {
        precondition(buffer.count >= periodFrames, "buffer holds \(buffer.count) samples, a period is \(periodFrames)")
        if available.wait(timeout: Duration.dispatchDeadline(after: timeout)) == .timedOut { return .timedOut }
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .acquiring)
        if h == t {
            // The only signal not matched by a period is finish()'s; pass it on for the next call.
            available.signal()
            return .endOfStream
        }
        let slot = h % capacity
        buffer.baseAddress!.update(from: samples + slot * periodFrames, count: periodFrames)
        let info = infos[slot]
        head.store(h + 1, ordering: .releasing)
        return .period(info)
    }

    /// Periods published and not yet consumed.
    var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }
}
