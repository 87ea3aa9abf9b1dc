import Foundation
import SafeTensors
import Testing

/// `hamlet learn` end to end: the real executable on real files and pipes.
@Suite struct LearnCommandTests {
    static func sinusoidCSV(rows: Int, from start: Int = 0, header: Bool = true) -> String {
        var text = header ? "time,a,b\n" : ""
        for t in start..<(start + rows) {
            text += "\(t),\(sin(0.05 * Double(t))),\(cos(0.13 * Double(t)))\n"
        }
        return text
    }

    static func json(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("forecast writes one JSON line per record and learns")
    func forecast() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("s.csv", Self.sinusoidCSV(rows: 3000))
        let result = try HamletProcess.run(["learn", input, "--ignore", "time", "--quiet", "--state-size", "16"])
        #expect(result.status == 0, "\(result.standardError)")
        // Alert lines may come between them; the record lines are one per record.
        let records = result.lines.filter { $0.hasPrefix("{\"type\":\"record\"") }
        #expect(records.count == 3000)
        let first = try Self.json(records[0])
        #expect(first["step"] as? Int == 0)
        #expect(first["loss"] is NSNull, "the first record has no earlier forecast to score")
        #expect((first["prediction"] as? [Double])?.count == 2)
        let losses = try records.dropFirst().map { try #require(Self.json($0)["loss"] as? Double) }
        let early = losses.prefix(300).reduce(0, +) / 300, late = losses.suffix(300).reduce(0, +) / 300
        #expect(late < early / 5, "mean loss went from \(early) to \(late)")
    }

    @Test("a malformed line stops the run and names the line; --skip-bad skips and counts it")
    func badLines() throws {
        let directory = try TemporaryDirectory()
        var text = Self.sinusoidCSV(rows: 20)
        text += "20,abc,1\n"
        text += Self.sinusoidCSV(rows: 5, from: 21, header: false)
        let input = try directory.write("bad.csv", text)
        let strict = try HamletProcess.run(["learn", input, "--ignore", "time", "--quiet"])
        #expect(strict.status == 65)
        #expect(strict.standardError.contains("line 22"))
        #expect(strict.standardError.contains("\"abc\""))
        #expect(strict.lines.count == 20, "the records before the bad line were still learned and reported")
        let lenient = try HamletProcess.run(["learn", input, "--ignore", "time", "--skip-bad"])
        #expect(lenient.status == 0)
        #expect(lenient.lines.count == 25)
        #expect(lenient.standardError.contains("skipped line 22"))
        #expect(lenient.standardError.contains("skipped 1 bad lines"))
    }

    @Test("stdin, JSON lines, and resuming through --init equals one uninterrupted run")
    func resumeThroughCheckpoint() throws {
        let directory = try TemporaryDirectory()
        func jsonLines(_ range: Range<Int>) -> String {
            range.map { t in "{\"a\": \(sin(0.05 * Double(t))), \"b\": \(cos(0.13 * Double(t)))}\n" }.joined()
        }
        let whole = directory.path("whole.safetensors"), half = directory.path("half.safetensors")
        let resumed = directory.path("resumed.safetensors")
        let options = ["--quiet", "--state-size", "8"]
        let a = try HamletProcess.run(["learn", "--checkpoint", whole] + options, standardInput: jsonLines(0..<400))
        let b = try HamletProcess.run(["learn", "--checkpoint", half] + options, standardInput: jsonLines(0..<200))
        let c = try HamletProcess.run(
            ["learn", "--init", half, "--checkpoint", resumed, "--quiet"], standardInput: jsonLines(200..<400))
        for run in [a, b, c] { #expect(run.status == 0, "\(run.standardError)") }
        // "line" counts lines of each run's own input; everything else must be identical.
        func withoutLine(_ lines: some Sequence<String>) throws -> [String] {
            try lines.map { line in
                var object = try Self.json(line)
                object["line"] = nil
                return String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
            }
        }
        #expect(try withoutLine(a.lines.suffix(200)) == (try withoutLine(c.lines)), "the resumed run printed what the whole run printed")
        let records = a.lines.filter { $0.hasPrefix("{\"type\":\"record\"") }
        #expect(try records.dropFirst().allSatisfy { try Self.json($0)["loss"] is Double }, "every loss is finite")
        let wholeFile = try SafeTensorsFile.read(path: whole), resumedFile = try SafeTensorsFile.read(path: resumed)
        #expect(wholeFile.tensors == resumedFile.tensors)
        #expect(wholeFile.tensors["weights/recurrent.B_re"]?.shape == [8, 2])
    }

    @Test("regress and classify learn named targets")
    func supervised() throws {
        let directory = try TemporaryDirectory()
        var regression = "x,y,target\n", classification = "x,y,label\n"
        for t in 0..<2000 {
            let x = sin(0.37 * Double(t)), y = cos(0.21 * Double(t))
            regression += "\(x),\(y),\(2 * x - y)\n"
            classification += "\(x),\(y),\(x > y ? 1 : 0)\n"
        }
        let regress = try HamletProcess.run(
            ["learn", try directory.write("r.csv", regression), "--task", "regress", "--targets", "target", "--model", "mlp",
             "--beta", "0.05", "--quiet"])
        #expect(regress.status == 0, "\(regress.standardError)")
        let recent = try regress.lines.suffix(200).map { try #require(Self.json($0)["loss"] as? Double) }
        let recentMSE = recent.reduce(0, +) / 200
        #expect(recentMSE < 0.05, "the target's variance is about 2.5; recent MSE \(recentMSE)")
        let classify = try HamletProcess.run(
            ["learn", try directory.write("c.csv", classification), "--task", "classify", "--targets", "label",
             "--classes", "2", "--model", "mlp", "--beta", "0.05", "--quiet"])
        #expect(classify.status == 0, "\(classify.standardError)")
        let tail = try classify.lines.suffix(200).map { try Self.json($0) }
        let correct = zip(tail, classification.split(separator: "\n").suffix(200)).filter { line, row in
            (line["prediction"] as? Int) == Int(row.split(separator: ",")[2])
        }
        #expect(correct.count >= 180, "online accuracy over the last 200 records: \(correct.count)/200")
    }

    @Test("options that cannot work are refused with a message that says what to fix")
    func usageErrors() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("s.csv", Self.sinusoidCSV(rows: 10))
        let cases: [([String], String)] = [
            (["learn", input, "--task", "regress"], "regress needs --targets"),
            (["learn", input, "--targets", "nope", "--task", "regress"], "\"nope\" is not in the input"),
            (["learn", input, "--beta=-1"], "beta must be zero or positive"),
            (["learn", input, "--init", directory.path("missing.safetensors")], "missing.safetensors"),
            (["learn", directory.path("absent.csv")], "absent.csv"),
            (["learn", input, "--checkpoint-every", "5"], "--checkpoint-every needs --checkpoint"),
        ]
        for (arguments, expected) in cases {
            let result = try HamletProcess.run(arguments)
            #expect(result.status != 0)
            #expect(result.standardError.contains(expected), "\(arguments): \(result.standardError)")
        }
    }
}
