import FoundationEssentials
import Logging
import ServiceSupport

extension Logger {
    /// The logger of one `hamlet` command: lines `label: message` on standard error, with
    /// journald priorities when standard error is the journal. Made per command rather than
    /// bootstrapped process-wide, so the commands can also run inside the test process.
    static func hamlet(_ label: String) -> Logger {
        let environment = ProcessInfo.processInfo.environment
        return Logger(label: label) { label in JournalLogHandler(label: label, environment: environment) }
    }
}
