import Foundation
import HamletAgent
import SafeTensors
import SeededRandom
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
@testable import LearningPipeline

/// The small configuration these tests run: two synthetic channels, an 8-state forecaster, no broker.
struct RunSettings {
    var stateDirectory: String
    var rateHz: Double = 200
    var stateSize = 8
    var beta = 0.003
    var learningExtra: [String] = []
    var checkpointEverySeconds: Double = 0
    var checkpointEverySteps = 0
    var metricsIntervalSeconds: Double = 10

    var yaml: String {
        """
        agent:
          id: lifecycle-test
          state_directory: "\(stateDirectory)"
        source:
          kind: synthetic
          synthetic:
            channels: 2
            change_at: 0
            steps: 0
            rate_hz: \(rateHz)
            seed: 7
        model:
          state_size: \(stateSize)
        learning:
          beta: \(beta)
        \(learningExtra.map { "  " + $0 + "\n" }.joined())mqtt:
          enabled: false
        outputs:
          stdout: false
        checkpoints:
          every_seconds: \(checkpointEverySeconds)
          every_steps: \(checkpointEverySteps)
        metrics:
          interval_seconds: \(metricsIntervalSeconds)

        """
    }
}

/// The state directory's `checkpoints` folder as the tests see it.
struct CheckpointDirectory {
    let path: String
    var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    /// Committed generations, oldest first.
    var generations: [String] { names.filter { $0.wholeMatch(of: /checkpoint-\d{12}\.safetensors/) != nil } }
    /// Everything else: staging files of interrupted saves, writers' temporary files.
    var leftovers: [String] { names.filter { $0.wholeMatch(of: /checkpoint-\d{12}\.safetensors/) == nil } }
    var newest: String? { generations.last.map { path + "/" + $0 } }
}

/// The step a checkpoint file holds; throws when it is not a readable learner checkpoint.
func checkpointStep(_ path: String) throws -> Int64 {
    let file = try LearnerCheckpoint.read(path: path)
    _ = try LearnerCheckpoint.describe(file)
    let step = try #require(file.tensors["step"], "no step tensor in \(path)")
    return try #require(try step.int64s().first)
}

/// Starts the built `hamlet` with stdout/stderr in `directory`; nothing systemd-related leaks in
/// from the test's own environment unless given.
func startHamlet(
    _ arguments: [String], in directory: TemporaryDirectory, name: String, environment: [String: String] = [:],
    cwd: TemporaryDirectory? = nil
) throws -> ChildProcess {
    let isolated = ["NOTIFY_SOCKET": "", "WATCHDOG_USEC": "", "WATCHDOG_PID": "", "STATE_DIRECTORY": ""]
    var executable = HamletProcess.executable.path
    var argv = arguments
    if let cwd {
        // posix_spawn has no portable chdir: go through the shell, which execs hamlet in place.
        argv = ["-c", "cd \"$0\" && exec \"$@\"", cwd.url.path, executable] + arguments
        executable = "/bin/sh"
    }
    return try ChildProcess.spawn(
        executable, argv, stdout: directory.path(name + ".out"), stderr: directory.path(name + ".err"),
        environment: isolated.merging(environment) { $1 })
}
