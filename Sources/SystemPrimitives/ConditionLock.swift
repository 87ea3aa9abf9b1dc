#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex with one condition variable timed against CLOCK_MONOTONIC.
///
/// For state that several threads share (the MQTT client's supervisor, loop and callers); waits
/// are absolute deadlines, so wall-clock jumps do not matter.
public final class ConditionLock: @unchecked Sendable {  // the pthread objects are the synchronisation
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes every waiter. Call with the lock held, after changing what they wait for.
    public func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (lock held) until woken or until CLOCK_MONOTONIC reaches `deadline` (nil = no limit).
    /// Returns false once the deadline has passed. Spurious wake-ups return true: re-check the predicate.
    @discardableResult
    public func wait(untilNanoseconds deadline: Int64?) -> Bool {
        guard let deadline else {
            pthread_cond_wait(condition, mutex)
            return true
        }
        if MonotonicClock.nowNanoseconds() >= deadline { return false }
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &ts) != ETIMEDOUT
    }

    /// Waits (lock held) until `predicate` is true or the deadline passes; returns the predicate's last value.
    public func wait(until predicate: () -> Bool, deadlineNanoseconds deadline: Int64?) -> Bool {
        while !predicate() {
            if !wait(untilNanoseconds: deadline) { return predicate() }
        }
        return true
    }
}
