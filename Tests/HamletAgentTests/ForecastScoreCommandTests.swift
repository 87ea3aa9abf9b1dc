import Foundation
import Testing

/// The forecast's anomaly score as `hamlet learn` reports it: causal, in [0, 1], high on the
/// anomalies of a daily-cycling sensor and nowhere else, and unchanged by a checkpoint in between.
@Suite struct ForecastScoreCommandTests {
    /// Eight days of a sensor sampled every 10 minutes that follows a daily cycle with noise; on
    /// day 6 at noon one reading jumps by 60, and on day 7 the cycle stops for six hours (the
    /// value stays at its mean): a contextual anomaly, inside the usual range.
    static func dailyCSV() -> String {
        var text = "timestamp,value\n"
        var state: UInt64 = 12345
        let start = 1_396_310_400  // 2014-04-01 00:00:00
        for t in 0..<(8 * 144) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(Int64(bitPattern: state >> 11) % 1000) / 1000 - 0.5
            let hour = Double(t % 144) / 6
            var value = 50 + 20 * sin(2 * .pi * hour / 24) + 2 * noise
            if t == 5 * 144 + 72 { value += 60 }
            if t >= 6 * 144 + 36 && t < 6 * 144 + 72 { value = 50 + 2 * noise }
            let seconds = start + 600 * t
            let day = 1 + seconds / 86_400 - start / 86_400
            let minute = (seconds % 86_400) / 60
            text += String(format: "2014-04-%02d %02d:%02d:00,%.3f\n", day, minute / 60, minute % 60, value)
        }
        return text
    }

    private func scores(_ lines: [String]) throws -> [Double?] {
        try lines.compactMap { line -> Double?? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard object["type"] as? String == "record" else { return nil }
            return .some(object["score"] as? Double)
        }
    }

    /// The defaults (with the horizon view, whose forecaster reads values 60 records back), and without it.
    static let variants: [[String]] = [[], ["--score-horizon", "0"], ["--score-context", "20000"]]

    @Test("scores of the first k records do not change when later records are appended", arguments: variants)
    func causal(extra: [String]) throws {
        let directory = try TemporaryDirectory()
        let text = Self.dailyCSV()
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        let short = try directory.write("short.csv", rows.prefix(700).joined(separator: "\n") + "\n")
        let long = try directory.write("long.csv", text)
        let a = try HamletProcess.run(["learn", short, "--quiet"] + extra)
        let b = try HamletProcess.run(["learn", long, "--quiet"] + extra)
        #expect(a.status == 0 && b.status == 0, "\(a.standardError) \(b.standardError)")
        let first = try scores(a.lines)
        let whole = try scores(b.lines)
        #expect(first.count == 699 && whole.count == 8 * 144)
        let differing = zip(first, whole).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.isEmpty, "records \(differing.prefix(10)) differ")
    }

    @Test("the spike scores above the threshold, the stopped cycle above every normal record")
    func findsBothAnomalies() throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write("daily.csv", Self.dailyCSV())
        let result = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        let s = try scores(result.lines).map { $0 ?? 0 }
        #expect(s.allSatisfy { $0 >= 0 && $0 <= 1 })
        let spike = 5 * 144 + 72
        let stopped = (6 * 144 + 36)..<(6 * 144 + 72)
        #expect(s[spike] >= 0.25, "spike scored \(s[spike])")
        // After the warm-up, before the first anomaly, nothing alerts, and the stopped cycle (seen
        // after a larger spike, so less rare than it) still stands out above every calm record.
        let calm = 300..<(5 * 144 + 70)
        let falseAlarms = calm.filter { s[$0] >= 0.25 }
        #expect(falseAlarms.isEmpty, "false alarms at \(falseAlarms)")
        let stoppedPeak = stopped.map { s[$0] }.max()!
        #expect(stoppedPeak > calm.map { s[$0] }.max()!, "stopped cycle peaked at \(stoppedPeak)")
    }

    @Test("a run resumed from a checkpoint scores exactly as one uninterrupted run", arguments: variants)
    func resumesScoring(extra: [String]) throws {
        let directory = try TemporaryDirectory()
        let text = Self.dailyCSV()
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = rows[0]
        let first = try directory.write("first.csv", rows.prefix(601).joined(separator: "\n") + "\n")
        let rest = try directory.write("rest.csv", ([header] + rows.dropFirst(601)).joined(separator: "\n"))
        let whole = try directory.write("whole.csv", text)
        let checkpoint = directory.path("model.safetensors")
        let a = try HamletProcess.run(["learn", whole, "--quiet"] + extra)
        let b = try HamletProcess.run(["learn", first, "--quiet", "--checkpoint", checkpoint] + extra)
        let c = try HamletProcess.run(["learn", rest, "--quiet", "--init", checkpoint] + extra)
        #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(b.standardError) \(c.standardError)")
        let uninterrupted = try scores(a.lines)
        let resumed = try scores(b.lines) + (try scores(c.lines))
        #expect(resumed.count == uninterrupted.count)
        let differing = zip(resumed, uninterrupted).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.isEmpty, "records \(differing.prefix(10)) differ")
    }

    @Test("two channels that move together: one turning against the other, each within its range, scores high")
    func multivariate() throws {
        var text = "a,b\n"
        var state: UInt64 = 99
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state >> 11) % 1000) / 1000 - 0.5
        }
        let broken = 3000..<3040
        for t in 0..<4000 {
            let a = sin(0.05 * Double(t)) + 0.05 * noise()
            let b = (broken.contains(t) ? -a : a) + 0.05 * noise()
            text += "\(a),\(b)\n"
        }
        let directory = try TemporaryDirectory()
        let input = try directory.write("pair.csv", text)
        let result = try HamletProcess.run(["learn", input, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        let s = try scores(result.lines).map { $0 ?? 0 }
        let inWindow = broken.map { s[$0] }.max()!
        let calm = s[1000..<2990].max()!
        #expect(inWindow >= 0.25, "the broken pair peaked at \(inWindow)")
        #expect(inWindow > calm, "calm records reached \(calm)")
    }
}
