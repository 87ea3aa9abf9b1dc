import DurableFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Keeps the newest two generations of a checkpoint in one directory, safe against `kill -9` or a power cut at
/// any instant: a generation's final name only ever points at a complete, fsynced file.
///
/// Files are `<baseName>-<12-digit sequence>.<fileExtension>`, e.g. `checkpoint-000000000042.safetensors`.
/// `save` writes to a hidden staging name, fsyncs it, renames it to the next sequence number, fsyncs the
/// directory, and only then deletes older generations and leftovers of interrupted saves. One process
/// should own a directory at a time (systemd runs one agent); calls are not synchronised with each other.
public struct CheckpointStore: Sendable {
    /// One committed checkpoint file.
    public struct Generation: Sendable, Equatable {
        public var sequence: UInt64
        public var path: String
    }

    public let directory: String
    public let baseName: String
    public let fileExtension: String

    /// How many generations survive a save: the new one and the one before it, the fallback.
    public static let keptGenerations = 2

    /// - Parameters:
    ///   - directory: created with mode 0700 (and missing parents) on the first save.
    ///   - baseName, fileExtension: the file name pattern; files not matching it are never touched.
    public init(directory: String, baseName: String = "checkpoint", fileExtension: String = "safetensors") {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.baseName = baseName
        self.fileExtension = fileExtension
    }

    /// Saves a new generation and returns its path.
    ///
    /// `write` receives a staging path in `directory` and must leave the complete content there (plainly or
    /// atomically, e.g. `{ try file.write(to: $0) }` with a `SafeTensorsFile`). If it throws, nothing is
    /// committed. Older generations are deleted only after the new one is durable.
    @discardableResult
    public func save(_ write: (String) throws -> Void) throws(CheckpointStoreError) -> String {
        do throws(FileOperationError) {
            try DurableFiles.createDirectory(directory, mode: 0o700)
        } catch {
            throw .directoryUnusable(error)
        }
        let existing = try generations()
        let sequence = (existing.first?.sequence ?? 0) + 1
        let name = fileName(sequence: sequence)
        let finalPath = directory + "/" + name
        // Hidden, and ends in neither the extension nor anything a reader would pick up.
        let stagingPath = directory + "/." + name + ".partial"

        // A staging file left by a save killed at this sequence number would otherwise be appended to.
        unlink(stagingPath)
        do {
            try write(stagingPath)
        } catch {
            unlink(stagingPath)
            throw .writerFailed(path: stagingPath, reason: "\(error)")
        }
        do throws(FileOperationError) {
            try DurableFiles.syncFile(stagingPath)
            try DurableFiles.renameDurably(stagingPath, to: finalPath, directory: directory)
        } catch {
            unlink(stagingPath)
            throw .commitFailed(error)
        }
        removeObsoleteFiles(keeping: Set([name] + existing.prefix(Self.keptGenerations - 1).map { fileNameOf($0.path) }))
        return finalPath
    }

    /// Loads the newest generation that `load` accepts, trying older ones when it throws.
    ///
    /// Returns nil when the directory is missing or holds no generation (a first start). `warnings` names each
    /// newer file that failed and why. Throws `.noReadableGeneration` when generations exist but all fail, so
    /// a corrupt state is never mistaken for a first start.
    public func restoreNewest<T>(_ load: (String) throws -> T) throws(CheckpointStoreError) -> (value: T, path: String, warnings: [String])? {
        let candidates = try generations()
        guard !candidates.isEmpty else { return nil }
        var failures: [String] = []
        for generation in candidates {
            do {
                let value = try load(generation.path)
                let warnings = failures.map { "\($0); restored the previous generation \"\(generation.path)\" instead" }
                return (value, generation.path, warnings)
            } catch {
                failures.append("checkpoint \"\(generation.path)\" is unreadable: \(error)")
            }
        }
        throw .noReadableGeneration(directory: directory, failures: failures)
    }

    /// The committed generations, newest first; empty when the directory does not exist.
    public func generations() throws(CheckpointStoreError) -> [Generation] {
        let names: [String]?
        do throws(FileOperationError) {
            names = try DurableFiles.names(in: directory)
        } catch {
            throw .directoryUnusable(error)
        }
        return (names ?? [])
            .compactMap { name in sequence(of: name).map { Generation(sequence: $0, path: directory + "/" + name) } }
            .sorted { $0.sequence > $1.sequence }
    }

    func fileName(sequence: UInt64) -> String {
        let digits = String(sequence)
        return baseName + "-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + "." + fileExtension
    }

    /// The sequence number when `name` is a committed generation's name, else nil.
    func sequence(of name: String) -> UInt64? {
        let prefix = baseName + "-", suffix = "." + fileExtension
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    private func fileNameOf(_ path: String) -> String {
        String(path.dropFirst(directory.count + 1))
    }

    /// Deletes generations not in `kept` and leftovers of interrupted saves: our staging files
    /// (`.<baseName>-…`) and the writer's own temporary files beside them (`DurableFiles.replace`, which
    /// SafeTensors' writer uses, makes `..<baseName>-….partial.tmp-…`). Best effort: a file that stays is retried at the next save.
    private func removeObsoleteFiles(keeping kept: Set<String>) {
        guard let names = try? DurableFiles.names(in: directory) else { return }
        for name in names where !kept.contains(name) {
            let isLeftover = name.hasPrefix(".") && name.drop(while: { $0 == "." }).hasPrefix(baseName + "-")
            if sequence(of: name) != nil || isLeftover {
                unlink(directory + "/" + name)
            }
        }
    }
}
