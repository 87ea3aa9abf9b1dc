import Foundation
import Testing
import TestSupport

/// The deep forecaster through `hamlet learn`: it learns a stream, a checkpoint of it resumes, the
/// pipelined scheme gives the same output on one thread and on two, and wrong options say what to fix.
@Suite struct DeepModelCommandTests {
    private func stream(_ directory: TemporaryDirectory, records: Int = 3000) throws -> String {
        let rows = (0..<records).map { t in
            let a = sin(Double(t) * 0.1), b = sin(Double(t) * 0.037) * cos(Double(t) * 0.11)
            return "\(a),\(b)"
        }
        return try directory.write("sines.csv", "a,b\n" + rows.joined(separator: "\n") + "\n")
    }

    private func meanLoss(_ lines: [String], _ range: Range<Int>) -> Double {
        let losses = lines.compactMap { line -> Double? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["loss"] as? NSNumber)?.doubleValue
        }
        let window = losses[range]
        return window.reduce(0, +) / Double(window.count)
    }

    @Test(.timeLimit(.minutes(2)), arguments: ["instant", "reversible", "pipelined"])
    func learnsAStream(scheme: String) throws {
        let directory = try TemporaryDirectory()
        let input = try stream(directory)
        let result = try HamletProcess.run(["learn", input, "--model", "deep", "--layers", "3", "--width", "8", "--state-size", "8", "--scheme", scheme])
        #expect(result.status == 0, "\(result.standardError)")
        let early = meanLoss(result.lines, 0..<300), late = meanLoss(result.lines, 2600..<2990)
        #expect(late * 5 < early, "\(scheme): mean loss \(early) → \(late)")
    }

    @Test(.timeLimit(.minutes(2)))
    func pipelinedOnTwoThreadsEqualsOneThread() throws {
        let directory = try TemporaryDirectory()
        let input = try stream(directory)
        let arguments = ["learn", input, "--model", "deep", "--layers", "4", "--width", "8", "--state-size", "8", "--scheme", "pipelined"]
        let one = try HamletProcess.run(arguments + ["--threads", "1"])
        let two = try HamletProcess.run(arguments + ["--threads", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.standardError)\n\(two.standardError)")
        #expect(one.lines.count > 2900)
        #expect(one.standardOutput == two.standardOutput, "the same records, predictions and scores, bit for bit")
    }

    @Test(.timeLimit(.minutes(1)))
    func optionsThatDoNotFitAreNamed() throws {
        let directory = try TemporaryDirectory()
        let input = try stream(directory, records: 50)
        let forecaster = try HamletProcess.run(["learn", input, "--layers", "3"])
        #expect(forecaster.status != 0 && forecaster.standardError.contains("are for --model deep"), "\(forecaster.standardError)")
        let threads = try HamletProcess.run(["learn", input, "--model", "deep", "--threads", "2"])
        #expect(threads.status != 0 && threads.standardError.contains("thread count"), "\(threads.standardError)")
        let activation = try HamletProcess.run(["learn", input, "--model", "deep", "--activation", "relu"])
        #expect(activation.status != 0 && activation.standardError.contains("use gelu"), "\(activation.standardError)")
    }
}
