import Foundation
import Testing

/// How a `hamlet learn` run that reads its input to the end reports failure: its exit status and summary.
@Suite struct LearnExitStatusTests {
    @Test("--skip-bad that skips every line learned nothing: exit 65 saying why, after the summary")
    func everyLineSkipped() throws {
        let directory = try TemporaryDirectory()
        var text = "id,value\n"
        for t in 0..<40 { text += "pump-\(t),\(t)\n" }
        let input = try directory.write("ids.csv", text)
        let result = try HamletProcess.run(["learn", input, "--skip-bad", "--quiet"])
        #expect(result.status == 65)
        #expect(result.lines.isEmpty)
        let messages = result.standardError.split(separator: "\n")
        #expect(messages.count { $0.hasPrefix("hamlet learn: skipped line") } == 10, "the first ten are named, the rest counted")
        let summary = try #require(messages.firstIndex { $0.contains("0 steps from 0 records") }, "\(messages)")
        let reason = try #require(messages.firstIndex { $0.contains("learned nothing") }, "\(messages)")
        #expect(summary < reason)
        #expect(messages[reason].contains("40 data lines"))
        #expect(messages[reason].contains("--ignore"))
    }

    @Test("a forecast from a single record learned nothing: exit 65")
    func singleRecord() throws {
        let result = try HamletProcess.run(["learn", "--quiet"], standardInput: "a,b\n1,2\n")
        #expect(result.status == 65)
        #expect(result.standardError.contains("learned nothing"), "\(result.standardError)")
        let headerOnly = try HamletProcess.run(["learn", "--quiet"], standardInput: "a,b\n")
        #expect(headerOnly.status == 0, "no input lines, nothing to learn: \(headerOnly.standardError)")
    }

    @Test("divergence exits 65 after the summary, which --quiet does not hide")
    func divergence() throws {
        let directory = try TemporaryDirectory()
        var text = "a,b\n"
        for t in 0..<20 { text += "\(t % 2 == 0 ? "" : "-")1e38,1e38\n" }
        let input = try directory.write("huge.csv", text)
        // A forecast normalises its inputs, which keeps these values finite; regression does not.
        let result = try HamletProcess.run(["learn", input, "--quiet", "--task", "regress", "--targets", "b"])
        #expect(result.status == 65)
        let records = result.lines.filter { $0.hasPrefix("{\"type\":\"record\"") }
        #expect(records.count == 20, "every step is still reported")
        // Non-finite steps are undone; the first of an episode (faults within 100 steps) has a learner-fault alert line.
        let faults = result.lines.filter { $0.contains("\"alert\":\"learner-fault\"") }
        #expect(!faults.isEmpty && records.count + faults.count == result.lines.count, "\(result.lines)")
        #expect(result.standardError.contains("20 steps from 20 records"), "\(result.standardError)")
        #expect(result.standardError.contains("learning diverged"), "\(result.standardError)")
    }

    @Test("--quiet hides the progress lines but not the summary")
    func quietKeepsSummary() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("s.csv", LearnCommandTests.sinusoidCSV(rows: 100))
        let result = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(result.status == 0)
        let messages = result.standardError.split(separator: "\n")
        #expect(messages.count == 1, "\(messages)")
        #expect(messages.first?.hasPrefix("hamlet learn: 99 steps from 100 records; mean loss of the last 99 steps: ") == true)
    }
}
