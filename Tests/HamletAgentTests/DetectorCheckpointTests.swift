import DriftDetection
import Foundation
import HamletAgent
import SeededRandom
import SafeTensors
import TestSupport
import Testing
import LearningPipeline

/// Issue 16, item 2: the drift detectors' state is in the checkpoint, so a restarted agent goes on
/// with warm detectors. Two runs of `hamlet run`, each ended by SIGTERM; the checkpoint files they
/// wrote are read back: the second run's detectors continued the first run's count of losses
/// instead of starting again at zero.
@Suite(.serialized) struct DetectorCheckpointTests {
    /// The drift state's loss count (its first number) and the step of a checkpoint file.
    static func driftState(_ path: String) throws -> (losses: Int, step: Int64, values: [Double]) {
        let file = try LearnerCheckpoint.read(path: path)
        let tensor = try #require(file.tensors[LearnSession.driftTensor], "no \(LearnSession.driftTensor) in \(path)")
        let values = try tensor.doubles()
        return (Int(try #require(values.first)), try checkpointStep(path), values)
    }

    /// Starts `hamlet run`, lets it learn about `seconds`, stops it with SIGTERM; returns its log.
    static func runOnce(_ config: String, in directory: TemporaryDirectory, name: String, seconds: Double) async throws -> String {
        let hamlet = try startHamlet(["run", "--config", config], in: directory, name: name)
        defer { hamlet.killAndReap() }
        try await Task.sleep(for: .seconds(seconds))
        hamlet.kill(SIGTERM)
        #expect(await hamlet.wait(timeout: .seconds(15)) == 0, "stderr: \(hamlet.standardError)")
        return hamlet.standardError
    }

    /// All four detectors, warm, through a real safetensors file: saved at loss 3,000 of a stream
    /// whose level rises at 3,500, read back from disk into a fresh stage, they raise the same
    /// alerts as the stage that never stopped and end in the same state.
    @Test func everyDetectorGoesOnFromTheFileAsIfNeverStopped() throws {
        var options = DriftOptions()
        options.detectors = [.cusum, .adwin, .pageHinkley, .anomalyScore]
        options.monitor = DriftMonitorConfiguration(warmUpSamples: 500, cooldownSamples: 300)
        var generator = SplitMix64(seed: 5)
        let losses = (0..<6_000).map { i in exp(generator.nextGaussian() * 0.3 + (i < 3_500 ? -4 : -2)) }
        func alerts(_ stage: inout DriftStage, _ range: Range<Int>) -> [String] {
            var names: [String] = []
            for i in range { _ = stage.update(loss: losses[i]) { names.append("\($0.detector)@\(i)") } }
            return names
        }
        var whole = DriftStage(options)
        let expected = alerts(&whole, 0..<6_000)
        #expect(Set(expected.map { $0.split(separator: "@")[0] }).count >= 3, "most detectors see the rise: \(expected)")

        var first = DriftStage(options)
        var seen = alerts(&first, 0..<3_000)
        let directory = try TemporaryDirectory()
        let path = directory.path("detectors.safetensors")
        let values = first.savedState.values
        try SafeTensorsFile(tensors: [LearnSession.driftTensor: SafeTensor(values, shape: [values.count])]).write(to: path)
        let read = try SafeTensorsFile.read(path: path).tensors[LearnSession.driftTensor]
        var second = DriftStage(options)
        try second.restore(SavedState(values: try #require(read).doubles()))
        #expect(second.savedState == first.savedState)
        seen += alerts(&second, 3_000..<6_000)
        #expect(seen == expected)
        #expect(second.savedState == whole.savedState)
        // Before the warm-up ends, Page-Hinkley's running minimum is still +∞: the file keeps it.
        var early = DriftStage(options)
        _ = alerts(&early, 0..<100)
        #expect(early.savedState.values.contains(.infinity))
        try SafeTensorsFile(tensors: ["s": SafeTensor(early.savedState.values, shape: [early.savedState.values.count])]).write(to: path)
        var earlyBack = DriftStage(options)
        try earlyBack.restore(SavedState(values: try #require(SafeTensorsFile.read(path: path).tensors["s"]).doubles()))
        #expect(earlyBack.savedState == early.savedState)
        // The cold stage, for contrast, misses what came in its warm-up.
        var cold = DriftStage(options)
        #expect(alerts(&cold, 3_000..<6_000) != Array(expected.drop { Int($0.split(separator: "@")[1])! < 3_000 }))
    }

    @Test func aRestartGoesOnWithTheDetectorsOfTheCheckpoint() async throws {
        let directory = try TemporaryDirectory()
        let state = directory.path("state")
        let config = try directory.write("hamlet.yaml", RunSettings(stateDirectory: state, rateHz: 500).yaml)
        _ = try await Self.runOnce(config, in: directory, name: "first", seconds: 2)
        let first = try Self.driftState(try #require(CheckpointDirectory(path: state + "/checkpoints").newest))
        #expect(first.step > 200, "the first run learned only \(first.step) steps")
        #expect(first.losses == Int(first.step), "one loss per learning step reaches the detectors")

        let log = try await Self.runOnce(config, in: directory, name: "second", seconds: 2)
        #expect(log.contains("restored"), "stderr: \(log)")
        #expect(!log.contains("warm up afresh"), "stderr: \(log)")
        let second = try Self.driftState(try #require(CheckpointDirectory(path: state + "/checkpoints").newest))
        #expect(second.step > first.step)
        // Warm: the count goes on from the first run's; cold it would equal the second run's steps alone.
        #expect(second.losses == Int(second.step), "first \(first.losses) at step \(first.step), second \(second.losses) at \(second.step)")
        #expect(second.losses - first.losses == Int(second.step - first.step))
        print("detector state: \(first.values.count) numbers; \(first.losses) losses after run 1, \(second.losses) after run 2")
    }
}
