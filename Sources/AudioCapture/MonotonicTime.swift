#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch

/// Nanoseconds on CLOCK_MONOTONIC, and sleeps against it.
enum MonotonicTime {
    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Sleeps until CLOCK_MONOTONIC reaches `deadline` (absolute, so repeated sleeps do not drift);
    /// retries EINTR.
    static func sleep(untilNanoseconds deadline: Int64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to 0…Int64.max.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        if seconds >= Int64.max / 1_000_000_000 - 1 { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a Double, for log messages.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// A Dispatch deadline this long from now (nil = forever).
    static func dispatchDeadline(after timeout: Duration?) -> DispatchTime {
        guard let timeout else { return .distantFuture }
        let ns = timeout.clampedNanoseconds
        if ns >= Int64(Int.max / 2) { return .distantFuture }
        return .now() + .nanoseconds(Int(ns))
    }
}
