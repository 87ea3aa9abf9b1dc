import Foundation
import Testing

/// `hamlet learn` on inputs with text columns, timestamps and other delimiters: the real executable on real files.
@Suite struct LearnInputColumnsTests {
    /// A NAB-style file (`timestamp,value`, local date-time text) of `rows` records.
    static func nabCSV(rows: Int, delimiter: String = ",") -> String {
        var text = "timestamp\(delimiter)value\n"
        for t in 0..<rows {
            let minutes = 5 * t
            text += String(format: "2014-04-01 %02d:%02d:00", minutes / 60 % 24, minutes % 60)
            text += "\(delimiter)\(20 + sin(0.2 * Double(t)))\n"
        }
        return text
    }

    static func predictionWidths(_ result: HamletProcess.Result) throws -> Set<Int> {
        Set(try result.lines.map { try #require((LearnCommandTests.json($0)["prediction"] as? [Any])?.count) })
    }

    @Test("a NAB file (timestamp,value) works with no flags: the timestamp column is the time, not an input")
    func nabWithoutFlags() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("nab.csv", Self.nabCSV(rows: 200))
        let result = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.lines.count == 200)
        #expect(try Self.predictionWidths(result) == [1], "one input: value")
    }

    @Test("--ignore timestamp leaves the timestamp column unread, whatever it holds")
    func ignoredTimestamp() throws {
        let directory = try TemporaryDirectory()
        let text = Self.nabCSV(rows: 30) + "yesterday,20\n"
        let input = try directory.write("nab.csv", text)
        let ignored = try HamletProcess.run(["learn", input, "--ignore", "timestamp", "--quiet"])
        #expect(ignored.status == 0, "\(ignored.standardError)")
        #expect(ignored.lines.count == 31)
        let read = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(read.status == 65)
        #expect(read.standardError.contains(#"line 32: column "timestamp": "yesterday" is not a timestamp"#), "\(read.standardError)")
        let both = try HamletProcess.run(["learn", input, "--ignore", "timestamp", "--timestamp-column", "timestamp"])
        #expect(both.status == 64)
    }

    @Test("--ignore and --inputs leave text columns unparsed")
    func textColumnsNotParsed() throws {
        let directory = try TemporaryDirectory()
        var text = "site,value,other\n"
        for t in 0..<100 { text += "pump-\(t % 3),\(sin(0.1 * Double(t))),\(cos(0.1 * Double(t)))\n" }
        let input = try directory.write("sites.csv", text)
        let ignored = try HamletProcess.run(["learn", input, "--ignore", "site", "--quiet"])
        #expect(ignored.status == 0, "\(ignored.standardError)")
        #expect(ignored.lines.count == 100)
        #expect(try Self.predictionWidths(ignored) == [2])
        let chosen = try HamletProcess.run(["learn", input, "--inputs", "value", "--quiet"])
        #expect(chosen.status == 0, "\(chosen.standardError)")
        #expect(try Self.predictionWidths(chosen) == [1])
        let strict = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(strict.status == 65)
        #expect(strict.standardError.contains(#"line 2: column "site": "pump-0" is not a number"#), "\(strict.standardError)")
    }

    @Test("--timestamp-column names the time column; a bad timestamp is a per-line error that --skip-bad skips")
    func namedTimestamp() throws {
        let directory = try TemporaryDirectory()
        var text = "when,value\n"
        for t in 0..<50 { text += "\(1_396_310_400 + 300 * t),\(sin(0.2 * Double(t)))\n" }
        text += "2014-04-31T00:00:00Z,1\n"
        let input = try directory.write("when.csv", text)
        let strict = try HamletProcess.run(["learn", input, "--timestamp-column", "when", "--quiet"])
        #expect(strict.status == 65)
        #expect(
            strict.standardError.contains(#"line 52: column "when": "2014-04-31T00:00:00Z" is not a timestamp"#),
            "\(strict.standardError)")
        #expect(try Self.predictionWidths(strict) == [1])
        let lenient = try HamletProcess.run(["learn", input, "--timestamp-column", "when", "--skip-bad", "--quiet"])
        #expect(lenient.status == 0, "\(lenient.standardError)")
        #expect(lenient.lines.count == 50)
        let missing = try HamletProcess.run(["learn", input, "--timestamp-column", "time"])
        #expect(missing.status == 65)
        #expect(missing.standardError.contains(#"no column named "time" for the timestamp"#), "\(missing.standardError)")
        let asInput = try HamletProcess.run(["learn", input, "--timestamp-column", "when", "--inputs", "when,value"])
        #expect(asInput.status == 65)
        #expect(asInput.standardError.contains("cannot be an input"), "\(asInput.standardError)")
    }

    @Test("--no-timestamp-column reads a time column as an ordinary number")
    func noTimestampColumn() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("s.csv", LearnCommandTests.sinusoidCSV(rows: 50))
        let automatic = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(try Self.predictionWidths(automatic) == [2], "time,a,b: time is the timestamp")
        let plain = try HamletProcess.run(["learn", input, "--no-timestamp-column", "--quiet"])
        #expect(plain.status == 0, "\(plain.standardError)")
        #expect(try Self.predictionWidths(plain) == [3])
    }

    @Test("a ';'- or tab-separated file is detected from its header, and --delimiter sets the separator")
    func delimiters() throws {
        let directory = try TemporaryDirectory()
        for (name, delimiter) in [("semicolon.csv", ";"), ("tabs.csv", "\t")] {
            let input = try directory.write(name, Self.nabCSV(rows: 60, delimiter: delimiter))
            let result = try HamletProcess.run(["learn", input, "--quiet"])
            #expect(result.status == 0, "\(name): \(result.standardError)")
            #expect(result.lines.count == 60, "\(name)")
            #expect(try Self.predictionWidths(result) == [1], "\(name)")
        }
        // The header alone would suggest ',' here.
        let input = try directory.write("given.csv", "a,b;c\n1;2\n2;3\n3;4\n")
        let given = try HamletProcess.run(["learn", input, "--delimiter", ";", "--quiet"])
        #expect(given.status == 0, "\(given.standardError)")
        #expect(try Self.predictionWidths(given) == [2])
        let bad = try HamletProcess.run(["learn", input, "--delimiter", "ab"])
        #expect(bad.status == 64)
    }

    @Test("more than 1024 input columns are refused with what to do; --inputs picks a few of a wide file")
    func inputLimit() throws {
        let directory = try TemporaryDirectory()
        let header = (0..<1_100).map { "c\($0)" }.joined(separator: ",")
        let row = Array(repeating: "1", count: 1_100).joined(separator: ",")
        let input = try directory.write("wide.csv", header + "\n" + Array(repeating: row, count: 5).joined(separator: "\n") + "\n")
        let wide = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(wide.status == 65)
        #expect(wide.standardError.contains("1100 input columns; at most 1024 are learned from: choose them with --inputs"))
        let picked = try HamletProcess.run(["learn", input, "--quiet", "--inputs", "c3,c700"])
        #expect(picked.status == 0, "\(picked.standardError)")
    }
}
