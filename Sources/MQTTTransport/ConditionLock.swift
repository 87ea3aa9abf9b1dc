#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex with one condition variable timed against CLOCK_MONOTONIC.
///
/// Used for the client's state, which the supervisor thread, the loop thread and
/// application threads share; waits are absolute deadlines, so wall-clock jumps do not matter.
final class ConditionLock: @unchecked Sendable {  // the pthread objects are the synchronisation
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
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

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes every waiter. Call with the lock held, after changing what they wait for.
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (lock held) until woken or until CLOCK_MONOTONIC reaches `deadline` (nil = no limit).
    /// Returns false once the deadline has passed. Spurious wake-ups return true: re-check the predicate.
    @discardableResult
    func wait(untilNanoseconds deadline: Int64?) -> Bool {
        guard let deadline else {
            pthread_cond_wait(condition, mutex)
            return true
        }
        if MonotonicClock.nowNanoseconds() >= deadline { return false }
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &ts) != ETIMEDOUT
    }

    /// Waits (lock held) until `predicate` is true or the deadline passes; returns the predicate's last value.
    func wait(until predicate: () -> Bool, deadlineNanoseconds deadline: Int64?) -> Bool {
        while !predicate() {
            if !wait(untilNanoseconds: deadline) { return predicate() }
        }
        return true
    }
}

/// Nanoseconds on CLOCK_MONOTONIC.
enum MonotonicClock {
    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The CLOCK_MONOTONIC time `duration` from now (saturating).
    static func deadline(after duration: Duration) -> Int64 {
        let (sum, overflow) = nowNanoseconds().addingReportingOverflow(duration.nanoseconds)
        return overflow ? Int64.max : sum
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to 0…Int64.max.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds < 0) { return 0 }
        if seconds >= Int64.max / 1_000_000_000 - 1 { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a Double (for arithmetic and log messages).
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// "0.25 s", "1.5 s" — for log lines.
    var logText: String {
        let ms = (seconds * 1000).rounded()
        return ms < 10_000 ? "\(Double(ms) / 1000) s" : "\(Int((seconds).rounded())) s"
    }
}
