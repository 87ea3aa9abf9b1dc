import Glibc

/// The agent's two clocks, in seconds: monotonic for periods and ages, the wall clock for
/// timestamps that leave the process. One place, so every stage measures time the same way.
enum AgentClock {
    /// CLOCK_MONOTONIC: never jumps, for intervals.
    static func monotonicSeconds() -> Double { seconds(CLOCK_MONOTONIC) }

    /// CLOCK_REALTIME: seconds since the Unix epoch, for payload times.
    static func epochSeconds() -> Double { seconds(CLOCK_REALTIME) }

    /// CLOCK_REALTIME in whole milliseconds, so that it prints as a short decimal.
    static func epochMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000) / 1000
    }

    /// A duration as seconds.
    static func seconds(of duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
