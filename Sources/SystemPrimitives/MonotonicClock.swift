#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// CLOCK_MONOTONIC, the one clock for intervals, deadlines and sleeps: it never jumps with the
/// wall clock.
public enum MonotonicClock {
    public static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    public static func nowSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// The CLOCK_MONOTONIC time `duration` from now (saturating).
    public static func deadline(after duration: Duration) -> Int64 {
        let (sum, overflow) = nowNanoseconds().addingReportingOverflow(duration.nanoseconds)
        return overflow ? Int64.max : sum
    }

    /// Sleeps until CLOCK_MONOTONIC reaches `deadline` (absolute, so repeated sleeps do not drift);
    /// retries EINTR.
    public static func sleep(untilNanoseconds deadline: Int64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
