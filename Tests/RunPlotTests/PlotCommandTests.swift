import Foundation
import TestSupport
import Testing

/// `hamlet plot` end to end: the built executable on small generated files.
@Suite struct PlotCommandTests {
    static var hamlet: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hamlet").path
    }

    /// A run of `count` half-hourly records with one anomaly-score alert at step 30, and its input CSV.
    static func files(in directory: TemporaryDirectory, count: Int = 40) throws -> (run: String, input: String, labels: String) {
        var csv = "timestamp,value\n"
        var run = ""
        for step in 0..<count {
            let minutes = step * 30
            csv += "2014-07-01 \(minutes / 600)\(minutes / 60 % 10):\(minutes % 60 == 0 ? "00" : "30"):00,\(step % 7)\n"
            let score = step == 0 ? "" : ",\"score\":\(step == 30 ? 0.99995 : 0.4)"
            run += "{\"step\":\(step),\"line\":\(step + 2),\"loss\":\(step == 0 ? "null" : "0.5")\(score),\"prediction\":[\(step % 5)]}\n"
            if step == 30 {
                run += "{\"type\":\"alert\",\"alert\":\"drift\",\"step\":30,\"line\":32,\"detector\":\"anomaly-score\",\"kind\":\"increase\","
                    + "\"statistic\":0.99995,\"threshold\":0.9999,\"reaction\":\"none\"}\n"
            }
        }
        try FileManager.default.createDirectory(atPath: directory.file("data/pumps"), withIntermediateDirectories: true)
        let labels = #"{"pumps/p1.csv": [["2014-07-01 10:00:00.000000", "2014-07-01 12:00:00.000000"]], "pumps/p2.csv": []}"#
        return (try directory.write("run.jsonl", run), try directory.write("data/pumps/p1.csv", csv), try directory.write("labels.json", labels))
    }

    @Test("plots a run with its input and labels into a well-formed SVG file")
    func plotsToFile() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let (run, input, labels) = try Self.files(in: directory)
        let output = directory.file("run.svg")
        let result = try ChildProcess.run(Self.hamlet, ["plot", run, "--input", input, "--labels", labels, "--output", output])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        let svg = SVGElements(try String(contentsOfFile: output, encoding: .utf8))
        #expect(svg.isWellFormed, "\(String(describing: svg.error))")
        #expect(svg.count(class: "alert") == 1)
        #expect(svg.count(class: "label-window") == 1, "the key pumps/p1.csv comes from the input path")
        #expect(svg.texts.contains("p1.csv"))
    }

    @Test("standard input in, SVG on standard output")
    func pipes() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let (run, _, _) = try Self.files(in: directory)
        let result = try ChildProcess.run("/bin/sh", ["-c", "\"$0\" plot - --title pump < \"$1\"", Self.hamlet, run])
        #expect(result.status == 0, "\(result.standardError)")
        let svg = SVGElements(result.standardOutput)
        #expect(svg.isWellFormed)
        #expect(svg.texts.contains("pump"))
    }

    @Test("errors say what to fix and exit non-zero")
    func errors() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let (run, input, labels) = try Self.files(in: directory)
        let missing = try ChildProcess.run(Self.hamlet, ["plot", directory.file("nope.jsonl")])
        #expect(missing.status == 66)
        #expect(missing.standardError.contains("cannot open \(directory.file("nope.jsonl"))"))
        let empty = try ChildProcess.run(Self.hamlet, ["plot", try directory.write("empty.jsonl", "\n")])
        #expect(empty.status == 65)
        #expect(empty.standardError.contains("no record lines"))
        let channel = try ChildProcess.run(Self.hamlet, ["plot", run, "--input", input, "--channel", "temp"])
        #expect(channel.status == 64)
        #expect(channel.standardError.contains("one of: timestamp, value"))
        let key = try ChildProcess.run(Self.hamlet, ["plot", run, "--input", input, "--labels", labels, "--labels-key", "pumps/p3.csv"])
        #expect(key.status == 64)
        #expect(key.standardError.contains("near matches: pumps/p1.csv, pumps/p2.csv"), "\(key.standardError)")
        let threshold = try ChildProcess.run(Self.hamlet, ["plot", run, "--threshold", "3"])
        #expect(threshold.status == 64)
        #expect(threshold.standardError.contains("--threshold is a score in [0, 1]"))
    }
}
