import Foundation
import HamletAgent
import SafeTensors
import TestSupport
import Testing

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
