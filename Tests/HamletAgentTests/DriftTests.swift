import DriftDetection
import Foundation
import HamiltonianLearning
import HamletAgent
import Testing
import LearningPipeline

/// Drift detection on the learner's loss: scores, alerts, reactions, and `hamlet evaluate`.
@Suite struct DriftTests {
    static func learner(channels: Int) -> AgentLearner {
        AgentLearner(
            model: .forecaster(.init(inputCount: channels, stateCount: 8)), hamiltonian: .init(), loss: .meanSquaredError,
            seed: 1)
    }

    /// A forecaster absorbs a level shift within a few steps (its skip connection predicts the
    /// current level), so the sustained change in its error comes from the doubled noise.
    @Test("a sustained change of the error is caught within 100 records, with no false alarm")
    func generatedStream() throws {
        let stream = ChangingStream(channels: 3, segment: 6_000, noise: 0.05, seed: 1)
        var options = DriftOptions()
        options.detectors = DriftOptions.Detector.allCases
        options.monitor.warmUpSamples = 2_000
        let reports = try DriftEvaluation(changePoints: stream.changePoints, options: options)
            .run(source: stream, learner: Self.learner(channels: 3), columns: [0, 1, 2])
        let cusum = try #require(reports.first { $0.0 == "cusum" }?.1)
        let delay = try #require(cusum.delays[1], "cusum missed the doubled noise")
        #expect(delay <= 100)
        #expect(cusum.falseAlarms == 0)
        #expect(reports.first { $0.0 == "adwin" }?.1.falseAlarms == 0)
        #expect(reports.map(\.0) == ["cusum", "adwin", "page-hinkley", "anomaly-score"])
    }

    @Test("hamlet learn reports a score per step and a drift alert after a change, with the reaction it took")
    func learnOutput() throws {
        let directory = try TemporaryDirectory()
        var text = "a,b\n"
        var generator = SeededGenerator(seed: 3)
        for t in 0..<6_000 {
            let level = t < 4_000 ? 0.0 : 2.0
            text += "\(sin(0.05 * Double(t)) + level + 0.05 * generator.nextGaussian()),"
                + "\(cos(0.11 * Double(t)) + 0.05 * generator.nextGaussian())\n"
        }
        let input = try directory.write("shift.csv", text)
        let result = try HamletProcess.run(
            ["learn", input, "--state-size", "8", "--quiet", "--on-drift", "reset-costates", "--drift-warm-up", "2000"])
        #expect(result.status == 0, "\(result.standardError)")
        let objects = try result.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let scores = objects.compactMap { $0["score"] as? Double }
        #expect(scores.count == 5_999)
        #expect(scores.allSatisfy { (0...1).contains($0) })
        let alerts = objects.filter { $0["alert"] as? String == "drift" }
        let first = try #require(alerts.first, "no alert after the level shift")
        let step = try #require(first["step"] as? Int)
        #expect((4_000...4_100).contains(step), "alerted at step \(step), the change is at record 4000")
        #expect(Set(alerts.compactMap { $0["detector"] as? String }).isSubset(of: ["cusum", "adwin", "anomaly-score"]))
        #expect(first["reaction"] as? String == "costates reset")
        #expect(result.lines.count == 6_000 + alerts.count)
    }

    @Test("hamlet evaluate reports per detector, as a table or JSON")
    func evaluateCommand() throws {
        let result = try HamletProcess.run(["evaluate", "--segment", "3000", "--stream-channels", "2", "--state-size", "8", "--drift-warm-up", "2000", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(report["records"] as? Int == 15_000)
        #expect(report["change_points"] as? [Int] == [3_000, 6_000, 9_000, 12_000])
        let detectors = try #require(report["detectors"] as? [String: [String: Any]])
        #expect(Set(detectors.keys) == ["cusum", "adwin", "page-hinkley", "anomaly-score"])
        #expect((detectors["cusum"]?["detected"] as? Int ?? 0) >= 1)
        let table = try HamletProcess.run(["evaluate", "--segment", "3000", "--stream-channels", "2", "--state-size", "8", "--drift-warm-up", "2000"])
        #expect(table.standardOutput.contains("false alarms"))
        let bad = try HamletProcess.run(["evaluate", "--change-points", "10"])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("--change-points needs an input file"))
    }
}
