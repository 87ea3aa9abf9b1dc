import Foundation
import SafeTensors
import TestSupport
import Testing
@testable import ServiceSupport

/// `kill -9` during a save, simulated: the directory is left in each state `CheckpointStore.save` passes through
/// while committing generation 3 over generations 1 and 2, then restore must yield a complete generation, and
/// the next save must clean up to exactly two generations.
@Suite struct CheckpointCrashStateTests {
    /// One intermediate state and the step a restore must find in it.
    struct CrashState: CustomTestStringConvertible, Sendable {
        var name: String
        var expectedStep: Int
        var expectsWarning: Bool
        var leave: @Sendable (_ directory: String) throws -> Void
        var testDescription: String { name }
    }

    static let states: [CrashState] = [
        CrashState(name: "staging file partially written", expectedStep: 2, expectsWarning: false) { directory in
            let staging = directory + "/.checkpoint-000000000003.safetensors.partial"
            try checkpoint(step: 3).write(to: staging)
            try truncate(staging, toFraction: 0.4)
        },
        CrashState(name: "writer's own temporary file partially written", expectedStep: 2, expectsWarning: false) { directory in
            let bytes = checkpoint(step: 3).serialized()
            try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath:
                directory + "/..checkpoint-000000000003.safetensors.partial.tmp-1x2y3z"))
        },
        CrashState(name: "staging file complete, not yet renamed", expectedStep: 2, expectsWarning: false) { directory in
            try checkpoint(step: 3).write(to: directory + "/.checkpoint-000000000003.safetensors.partial")
        },
        CrashState(name: "renamed, directory not yet fsynced, old generations not yet deleted", expectedStep: 3,
                   expectsWarning: false) { directory in
            try checkpoint(step: 3).write(to: directory + "/checkpoint-000000000003.safetensors")
        },
        CrashState(name: "oldest generation deleted, leftovers not yet", expectedStep: 3, expectsWarning: false) { directory in
            try checkpoint(step: 3).write(to: directory + "/checkpoint-000000000003.safetensors")
            try FileManager.default.removeItem(atPath: directory + "/checkpoint-000000000001.safetensors")
            try "stale".write(toFile: directory + "/..checkpoint-000000000002.safetensors.partial.tmp-q",
                              atomically: false, encoding: .utf8)
        },
        // What the fsyncs prevent (a power cut keeping the rename but not the data); restore must still cope.
        CrashState(name: "renamed but content lost (no fsync)", expectedStep: 2, expectsWarning: true) { directory in
            let path = directory + "/checkpoint-000000000003.safetensors"
            try checkpoint(step: 3).write(to: path)
            try truncate(path, toFraction: 0.0)
        },
    ]

    @Test(arguments: states)
    func restoreYieldsACompleteGeneration(_ state: CrashState) throws {
        let temporary = try TemporaryDirectory()
        let store = CheckpointStore(directory: temporary.path)
        try save(store, step: 1)
        try save(store, step: 2)
        try state.leave(temporary.path)

        let restored = try #require(try store.restoreNewest(loadStep))
        #expect(restored.value == state.expectedStep)
        #expect(restored.warnings.isEmpty == !state.expectsWarning)

        try save(store, step: 4)
        let remaining = try names(in: temporary.path)
        #expect(remaining.count == 2)
        #expect(!remaining.contains { $0.hasPrefix(".") })
        #expect(try store.restoreNewest(loadStep)?.value == 4)
    }
}
