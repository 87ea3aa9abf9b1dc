import Foundation
import Testing
import TestSupport

/// Under systemd, stderr goes to the journal and `JOURNAL_STREAM` names it: every line then starts
/// with its syslog priority, so `journalctl -p err` finds the errors. On a terminal, plain lines.
@Suite struct JournalPriorityTests {
    /// "device:inode" of an existing file, as systemd writes JOURNAL_STREAM for the stream it gives.
    private func journalStream(of path: String) throws -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { throw TestFailure("stat \(path): \(String(cString: strerror(errno)))") }
        return "\(status.st_dev):\(status.st_ino)"
    }

    /// Creates `name`.err before the spawn (which truncates it, keeping its inode) and returns the
    /// JOURNAL_STREAM value that names it.
    private func journalFor(_ name: String, in directory: TemporaryDirectory) throws -> String {
        try directory.write(name + ".err", "")
        return try journalStream(of: directory.path(name + ".err"))
    }

    @Test(.timeLimit(.minutes(1)))
    func errorLinesCarryPriorityThreeOnlyInTheJournal() async throws {
        let directory = try TemporaryDirectory()
        let arguments = ["run", "--config", directory.path("missing.yaml")]
        let stream = try journalFor("journal", in: directory)
        let journal = try startHamlet(arguments, in: directory, name: "journal", environment: ["JOURNAL_STREAM": stream])
        #expect(await journal.wait(timeout: .seconds(15)) == 78)
        let lines = journal.standardError.split(separator: "\n")
        #expect(lines.first?.hasPrefix("<3>hamlet run: the configuration is not valid") == true, "\(journal.standardError)")
        #expect(lines.count > 1 && lines.allSatisfy { $0.hasPrefix("<3>hamlet run: ") }, "every line of the message: \(lines)")

        let terminal = try startHamlet(arguments, in: directory, name: "terminal", environment: ["JOURNAL_STREAM": "1:2"])
        #expect(await terminal.wait(timeout: .seconds(15)) == 78)
        #expect(terminal.standardError.hasPrefix("hamlet run: the configuration is not valid"), "\(terminal.standardError)")
        #expect(!terminal.standardError.contains("<3>"), "JOURNAL_STREAM naming another file: no priorities")
    }

    @Test(.timeLimit(.minutes(1)))
    func infoLinesCarryPrioritySix() async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("hamlet.yaml", RunSettings(stateDirectory: directory.path("state")).yaml)
        let stream = try journalFor("run", in: directory)
        let hamlet = try startHamlet(["run", "--config", config], in: directory, name: "run", environment: ["JOURNAL_STREAM": stream])
        defer { hamlet.killAndReap() }
        try await Task.sleep(for: .seconds(1))
        hamlet.kill(SIGTERM)
        #expect(await hamlet.wait(timeout: .seconds(15)) == 0, "\(hamlet.standardError)")
        let stopped = hamlet.standardError.split(separator: "\n").filter { $0.contains("stopped after") }
        #expect(stopped.count == 1 && stopped[0].hasPrefix("<6>hamlet run: stopped after"), "\(hamlet.standardError)")
    }
}
