import Glibc
import Logging

/// A fault that the systemd watchdog check needs and that a real agent cannot be made to show on
/// demand: the pipeline thread stops between two steps, as if a read or a lock never returned, so
/// the watchdog pings stop. Only `Scripts/check_systemd_container.sh` sets it, through the
/// environment variable `HAMLETTEST_WEDGE_AFTER_SECONDS`; it is outside the `HAMLET_` settings on
/// purpose, so that no YAML file, override or control message can wedge an agent.
struct PipelineWedge {
    static let environmentVariable = "HAMLETTEST_WEDGE_AFTER_SECONDS"
    /// Long enough for any watchdog to fire, short enough that a forgotten variable ends the hang.
    static let holdSeconds: UInt32 = 3_600

    /// Monotonic seconds after which the pipeline stops; nil (the normal case) never.
    let deadline: Double?

    init(environmentValue: String?, start: Double) {
        guard let text = environmentValue, let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            deadline = nil
            return
        }
        deadline = start + seconds
    }

    init(start: Double) {
        self.init(environmentValue: getenv(Self.environmentVariable).map { String(cString: $0) }, start: start)
    }

    func holdIfDue(now: Double, logger: Logger) {
        guard let deadline, now >= deadline else { return }
        logger.warning("\(Self.environmentVariable) is set: the pipeline stops here for \(Self.holdSeconds) s (watchdog test)")
        sleep(Self.holdSeconds)
    }
}
