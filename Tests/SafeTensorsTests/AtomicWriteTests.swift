import Foundation
import SafeTensors
import Testing

@Suite struct AtomicWriteTests {
    private func file(filledWith value: Float, count: Int) -> SafeTensorsFile {
        SafeTensorsFile(tensors: ["w": SafeTensor([Float](repeating: value, count: count), shape: [count])])
    }

    @Test func overwriteReplacesContentAndLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/model.safetensors"

        try file(filledWith: 1, count: 10).write(to: path)
        try file(filledWith: 2, count: 3).write(to: path)

        #expect(try SafeTensorsFile.read(path: path) == file(filledWith: 2, count: 3))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    @Test func readersSeeOnlyCompleteOldOrNewContent() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/model.safetensors"
        let old = file(filledWith: 1, count: 50_000)
        let new = file(filledWith: 2, count: 70_000)
        try old.write(to: path)

        let writer = Task.detached {
            for round in 0..<40 { try (round.isMultiple(of: 2) ? new : old).write(to: path) }
        }
        let reader = Task.detached {
            var reads = 0
            for _ in 0..<200 {
                let seen = try SafeTensorsFile.read(path: path)
                if seen != old && seen != new { return -1 }
                reads += 1
            }
            return reads
        }
        try await writer.value
        #expect(try await reader.value == 200)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    @Test func failedRenameKeepsTheTargetAndRemovesTheTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        // A non-empty directory at the target makes the final rename fail after the data is written.
        let path = directory + "/model.safetensors"
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)

        let error = #expect(throws: SafeTensorsError.self) { try file(filledWith: 1, count: 4).write(to: path) }
        guard case .writeFailed(let failedPath, let step, _)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(failedPath == path)
        #expect(step.hasPrefix("renaming temporary file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["inside"])
    }

    @Test func writingIntoAMissingDirectoryNamesThePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/missing/model.safetensors"

        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile().write(to: path) }
        guard case .writeFailed(let failedPath, _, let reason)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(failedPath == path)
        #expect(reason == "No such file or directory")
        #expect(error?.description.contains("\"\(path)\"") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }

    @Test func readingAMissingFileNamesThePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/absent.safetensors"

        #expect(throws: SafeTensorsError.readFailed(path: path, step: "open", reason: "No such file or directory")) {
            try SafeTensorsFile.read(path: path)
        }
        #expect(SafeTensorsError.readFailed(path: path, step: "open", reason: "No such file or directory").description
                == "cannot read \"\(path)\": open failed: No such file or directory")
    }

    @Test func readingADirectoryFails() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        #expect(throws: SafeTensorsError.readFailed(path: directory, step: "read", reason: "Is a directory")) {
            try SafeTensorsFile.read(path: directory)
        }
    }
}
