import Foundation
import TestSupport
import Testing

/// `hamlet run --max-steps N`: the run ends after N learning steps as after SIGTERM, with its
/// shutdown checkpoint at step N.
@Suite struct RunMaxStepsTests {
    @Test("a whole agent stops after --max-steps steps, exit 0, its last checkpoint at that step")
    func wholeAgentStops() async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("hamlet.yaml", RunSettings(stateDirectory: directory.path("state"), rateHz: 0).yaml)
        let child = try startHamlet(["run", "--config", config, "--max-steps", "300"], in: directory, name: "run")
        defer { child.killAndReap() }
        let status = await child.wait(timeout: .seconds(120))
        #expect(status == 0, "\(child.standardError)")
        let newest = try #require(CheckpointDirectory(path: directory.path("state/checkpoints")).newest)
        #expect(try checkpointStep(newest) == 300)
        #expect(child.standardError.contains("stopped after 300 steps from 301 records"), "\(child.standardError)")
    }

    @Test("--max-steps below 1 is refused with the reason")
    func zeroIsRefused() throws {
        let result = try HamletProcess.run(["run", "--max-steps", "0"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--max-steps must be at least 1, got 0"), "\(result.standardError)")
    }
}
