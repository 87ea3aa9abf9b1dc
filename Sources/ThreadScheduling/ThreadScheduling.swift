#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The agent's threads run SCHED_BATCH: the hot loop and the input and MQTT threads it starts.
///
/// Why: on a small board the agent shares the cores with the I/O it depends on, often with the
/// broker too. An ordinary thread that wakes up pre-empts whatever runs, and the agent's threads
/// wake for every message: its network thread when a packet arrives, its pipeline when the
/// network thread hands it over, each time pre-empting the broker mid-relay. SCHED_BATCH keeps
/// the same fair share of the CPU but gives up wake-up pre-emption, so the agent takes its
/// messages a few at a time once the broker has run. In `hamlet-mqtt-bench` at 20,000 messages/s,
/// 20 interleaved pairs of runs: the agent's p99 was under 5 ms in all 20 with every agent thread
/// batch and in 13 of 20 without; with only the pipeline thread batch, 9 of 10 against 9 of 10.
public enum ThreadScheduling {
    /// SCHED_BATCH from linux/sched.h; glibc declares it only with _GNU_SOURCE, which Swift's
    /// Glibc module does not define.
    static let batch: Int32 = 3

    /// Runs `body` on the calling thread as SCHED_BATCH and makes it SCHED_OTHER again after.
    /// Threads started meanwhile (input, MQTT) inherit SCHED_BATCH for good. A thread that is not
    /// SCHED_OTHER (already batch, or a policy an operator chose) is left as it is. When the system
    /// refuses (a seccomp filter without sched_setscheduler, for instance), `refused` gets the
    /// reason and `body` runs all the same.
    public static func runningAsBatchJob<T, E: Error>(refused: (String) -> Void, _ body: () throws(E) -> T) throws(E) -> T {
        guard sched_getscheduler(0) == SCHED_OTHER else { return try body() }
        var parameters = sched_param(sched_priority: 0)
        guard sched_setscheduler(0, batch, &parameters) == 0 else {
            refused("sched_setscheduler(SCHED_BATCH): \(String(cString: strerror(errno)))")
            return try body()
        }
        defer { _ = sched_setscheduler(0, SCHED_OTHER, &parameters) }
        return try body()
    }
}
