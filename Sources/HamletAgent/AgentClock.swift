import Glibc

/// The wall clock, in seconds, for timestamps that leave the process (intervals use
/// `MonotonicClock`, which never jumps).
enum AgentClock {
    /// CLOCK_REALTIME: seconds since the Unix epoch, for payload times.
    static func epochSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// CLOCK_REALTIME in whole milliseconds, so that it prints as a short decimal.
    static func epochMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000) / 1000
    }
}
