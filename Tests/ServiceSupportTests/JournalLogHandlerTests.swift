import Foundation
import Logging
import ServiceSupport
import Testing

/// The handler's lines: plain on a terminal, each line with its syslog priority in the journal,
/// and the journal recognised only by the device and inode of descriptor 2.
@Suite struct JournalLogHandlerTests {
    @Test("a terminal gets label: message; the journal gets the priority on every line")
    func format() {
        #expect(JournalLogHandler.format("ready", label: "hamlet run", level: .info, journal: false) == "hamlet run: ready\n")
        #expect(JournalLogHandler.format("ready", label: "hamlet run", level: .info, journal: true) == "<6>hamlet run: ready\n")
        #expect(
            JournalLogHandler.format("bad file:\n  line 3", label: "hamlet run", level: .error, journal: true)
                == "<3>hamlet run: bad file:\n<3>hamlet run:   line 3\n")
        #expect(
            JournalLogHandler.format("bad file:\n  line 3", label: "hamlet run", level: .error, journal: false)
                == "hamlet run: bad file:\n  line 3\n")
    }

    @Test("priorities follow sd-daemon(3)")
    func priorities() {
        let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        #expect(levels.map(JournalLogHandler.priority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test("JOURNAL_STREAM counts only when it names descriptor 2's device and inode")
    func recognisesTheJournal() {
        var status = stat()
        #expect(fstat(2, &status) == 0)
        let own = "\(status.st_dev):\(status.st_ino)"
        #expect(JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": own]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino &+ 1)"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: [:]))
    }
}
