import Foundation
import SafeTensors
import TestSupport
import Testing
@testable import ServiceSupport

/// A small but real checkpoint: one tensor and the step it was taken at.
func checkpoint(step: Int) -> SafeTensorsFile {
    SafeTensorsFile(
        tensors: ["weights": SafeTensor((0..<1_000).map { Float($0 + step) }, shape: [1_000])],
        metadata: ["step": String(step)])
}

/// Loads a checkpoint written by `checkpoint(step:)` and returns its step; throws on any corruption.
func loadStep(_ path: String) throws -> Int {
    let file = try SafeTensorsFile.read(path: path)
    guard let step = file.metadata["step"].flatMap(Int.init) else { throw CocoaError(.fileReadCorruptFile) }
    return step
}

func save(_ store: CheckpointStore, step: Int) throws {
    try store.save { path in try checkpoint(step: step).write(to: path) }
}

func names(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

func truncate(_ path: String, toFraction fraction: Double) throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: path))
}

@Suite struct CheckpointStoreTests {
    @Test func savesIncreasingGenerationsAndKeepsTheNewestTwo() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path + "/state/checkpoints"
        let store = CheckpointStore(directory: directory)
        for step in 1...3 { try save(store, step: step) }

        #expect(try names(in: directory) == ["checkpoint-000000000002.safetensors", "checkpoint-000000000003.safetensors"])
        let restored = try #require(try store.restoreNewest(loadStep))
        #expect(restored.value == 3)
        #expect(restored.path == directory + "/checkpoint-000000000003.safetensors")
        #expect(restored.warnings.isEmpty)

        var status = stat()
        #expect(stat(directory, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700)
    }

    @Test func saveReturnsTheCommittedPath() throws {
        let temporary = try TemporaryDirectory()
        let store = CheckpointStore(directory: temporary.path + "/")
        let path = try store.save { path in try checkpoint(step: 7).write(to: path) }
        #expect(path == temporary.path + "/checkpoint-000000000001.safetensors")
        #expect(try loadStep(path) == 7)
    }

    @Test func truncatedNewestFallsBackToThePreviousWithAWarning() throws {
        let temporary = try TemporaryDirectory()
        let store = CheckpointStore(directory: temporary.path)
        try save(store, step: 1)
        try save(store, step: 2)
        let newest = temporary.path + "/checkpoint-000000000002.safetensors"
        try truncate(newest, toFraction: 0.5)

        let restored = try #require(try store.restoreNewest(loadStep))
        #expect(restored.value == 1)
        #expect(restored.path == temporary.path + "/checkpoint-000000000001.safetensors")
        #expect(restored.warnings.count == 1)
        let warning = try #require(restored.warnings.first)
        #expect(warning.contains("\"\(newest)\" is unreadable"))
        #expect(warning.contains("restored the previous generation"))
        print("fallback warning: \(warning)")
    }

    @Test func leftoverTemporaryFilesAreIgnoredThenRemoved() throws {
        let temporary = try TemporaryDirectory()
        let store = CheckpointStore(directory: temporary.path)
        try save(store, step: 1)
        try temporary.write(".checkpoint-000000000002.safetensors.partial", "garbage")
        try temporary.write("..checkpoint-000000000002.safetensors.partial.tmp-3k2j1", "garbage")
        try temporary.write(".hidden-notes", "not ours either")
        try temporary.write("notes.txt", "not ours")

        let restored = try #require(try store.restoreNewest(loadStep))
        #expect(restored.value == 1)
        #expect(restored.warnings.isEmpty)

        try save(store, step: 2)
        #expect(try names(in: temporary.path)
            == [".hidden-notes", "checkpoint-000000000001.safetensors", "checkpoint-000000000002.safetensors", "notes.txt"])
        #expect(try store.restoreNewest(loadStep)?.value == 2)
    }

    @Test func emptyOrMissingDirectoryRestoresNothing() throws {
        let temporary = try TemporaryDirectory()
        #expect(try CheckpointStore(directory: temporary.path).restoreNewest(loadStep) == nil)
        #expect(try CheckpointStore(directory: temporary.path + "/missing").restoreNewest(loadStep) == nil)
    }

    @Test func allGenerationsCorruptThrowsNamingEach() throws {
        let temporary = try TemporaryDirectory()
        let store = CheckpointStore(directory: temporary.path)
        try save(store, step: 1)
        try save(store, step: 2)
        for generation in try store.generations() { try truncate(generation.path, toFraction: 0.3) }

        #expect {
            _ = try store.restoreNewest(loadStep)
        } throws: { error in
            guard case .noReadableGeneration(_, let failures) = error as? CheckpointStoreError else { return false }
            return failures.count == 2 && failures[0].contains("000000000002") && failures[1].contains("000000000001")
        }
    }

    @Test func aThrowingWriterCommitsNothing() throws {
        let temporary = try TemporaryDirectory()
        let store = CheckpointStore(directory: temporary.path)
        try save(store, step: 1)
        struct DiskFull: Error {}
        #expect(throws: CheckpointStoreError.self) {
            try store.save { path in
                try "half".write(toFile: path, atomically: false, encoding: .utf8)
                throw DiskFull()
            }
        }
        #expect(try names(in: temporary.path) == ["checkpoint-000000000001.safetensors"])
        #expect(try store.restoreNewest(loadStep)?.value == 1)
    }

    @Test func filesNotMatchingThePatternAreNeverGenerations() {
        let store = CheckpointStore(directory: "/unused")
        #expect(store.sequence(of: "checkpoint-000000000042.safetensors") == 42)
        #expect(store.sequence(of: "checkpoint-7.safetensors") == 7)
        #expect(store.sequence(of: "checkpoint-.safetensors") == nil)
        #expect(store.sequence(of: "checkpoint-12a.safetensors") == nil)
        #expect(store.sequence(of: "checkpoint-000000000042.safetensors.partial") == nil)
        #expect(store.sequence(of: ".checkpoint-000000000042.safetensors") == nil)
        #expect(store.sequence(of: "checkpoint-٣.safetensors") == nil)
        #expect(store.fileName(sequence: 42) == "checkpoint-000000000042.safetensors")
    }
}
