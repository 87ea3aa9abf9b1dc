import ServiceSupport
import SystemPrimitives

/// When a service's periodic work between two steps is due (at most every 10 ms), pinging the
/// systemd watchdog from there: a loop that hangs stops the pings and systemd restarts it.
struct HousekeepingPace {
    private var lastRun = -Double.infinity
    private var lastWatchdog = -Double.infinity

    /// The time now when the periodic work is due (the watchdog pinged if its interval has
    /// passed), nil when it ran less than 10 ms ago.
    mutating func due(pinging notifier: SystemdNotifier) -> Double? {
        let now = MonotonicClock.nowSeconds()
        guard now - lastRun >= 0.01 else { return nil }
        lastRun = now
        if let watchdog = notifier.watchdogInterval, now - lastWatchdog >= watchdog.seconds {
            lastWatchdog = now
            notifier.watchdog()
        }
        return now
    }
}
