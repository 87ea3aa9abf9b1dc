import DurableFiles

/// Why CheckpointStore could not save or restore; `description` says what to fix.
public enum CheckpointStoreError: Error, Sendable, CustomStringConvertible {
    /// The checkpoint directory could not be created, listed or synced.
    case directoryUnusable(FileOperationError)
    /// The caller's writer threw for `path`; nothing was committed and older generations are untouched.
    case writerFailed(path: String, reason: String)
    /// Committing the written file (fsync, rename, directory fsync) failed; older generations are untouched.
    case commitFailed(FileOperationError)
    /// Generations exist but none loaded; one line per file, newest first.
    case noReadableGeneration(directory: String, failures: [String])

    public var description: String {
        switch self {
        case .directoryUnusable(let error):
            return "checkpoint directory unusable: \(error); check that it exists or can be created, and is writable by the agent"
        case .writerFailed(let path, let reason):
            return "writing checkpoint \"\(path)\" failed: \(reason); previous checkpoints are kept"
        case .commitFailed(let error):
            return "committing checkpoint failed: \(error); previous checkpoints are kept (is the disk full or read-only?)"
        case .noReadableGeneration(let directory, let failures):
            return "no checkpoint in \"\(directory)\" could be loaded (\(failures.joined(separator: "; ")));"
                + " move the directory aside to start from scratch"
        }
    }
}
