import Foundation
import SafeTensors
import TestSupport
import Testing
@testable import ServiceSupport

/// Set in a child copy of this test binary: the directory it saves checkpoints into until it is killed.
private let crashDirectoryVariable = "HAMLET_CHECKPOINT_KILL_DIR"

/// A real `kill -9` during saves: this test binary re-runs itself, filtered to `CheckpointKillChild`, which saves
/// checkpoints in a loop; the parent SIGKILLs it at a random moment, then restores.
@Suite struct CheckpointKillTests {
    @Test func restoreAfterSigkillAtRandomMomentsYieldsTheNewestCommittedGeneration() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path + "/checkpoints"
        let store = CheckpointStore(directory: directory)
        let executable = try #require(realpath("/proc/self/exe", nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        })

        var lastStep = 0
        for round in 0..<10 {
            let child = try ChildProcess.spawn(
                executable, ["--testing-library", "swift-testing", "--filter", "CheckpointKillChild"],
                stdout: temporary.file("child.out"), stderr: temporary.file("child.err"),
                environment: [crashDirectoryVariable: directory])
            // Let it get past start-up and commit at least one new generation, then kill it mid-stride.
            let deadline = ContinuousClock.now + .seconds(20)
            while (try store.generations().first?.sequence ?? 0) <= UInt64(lastStep) + 1 && ContinuousClock.now < deadline {
                usleep(1_000)
            }
            usleep(UInt32.random(in: 0...20_000))
            child.kill(SIGKILL)
            let status = child.waitUntilExit()
            let childOutput = child.standardOutput
            try #require(status == 128 + SIGKILL, "round \(round): child exited with \(status) before it was killed: \(childOutput)")

            let restored = try #require(try store.restoreNewest(loadStep), "round \(round): nothing restored")
            #expect(restored.warnings.isEmpty, "round \(round): \(restored.warnings)")
            // Every step's file holds its sequence number, so the newest committed one is what must come back.
            #expect(UInt64(restored.value) == (try store.generations().first?.sequence), "round \(round)")
            #expect(restored.value > lastStep, "round \(round): no progress")
            #expect(try store.generations().count <= CheckpointStore.keptGenerations + 1)
            lastStep = restored.value
        }
        try store.save { path in try checkpoint(step: lastStep + 1).write(to: path) }
        let remaining = try names(in: directory)
        #expect(remaining.count == 2 && !remaining.contains { $0.hasPrefix(".") }, "\(remaining)")
    }
}

/// Only does something in the child started by CheckpointKillTests; in a normal run it returns at once.
@Suite struct CheckpointKillChild {
    @Test func savesUntilKilledWhenSpawnedByTheKillTest() throws {
        guard let directory = ProcessInfo.processInfo.environment[crashDirectoryVariable] else { return }
        let store = CheckpointStore(directory: directory)
        for _ in 0..<1_000_000 {
            let next = Int(try store.generations().first?.sequence ?? 0) + 1
            try store.save { path in try checkpoint(step: next).write(to: path) }
        }
        Issue.record("was not killed")
    }
}
