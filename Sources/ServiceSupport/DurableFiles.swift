#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The few POSIX file steps CheckpointStore and PrometheusTextfile build on; every call retries EINTR.
///
/// Writing file *content* atomically is SafeTensors' `AtomicFileWriter`; it is internal to that module,
/// so what is needed here (fsync a finished file, rename it into place, fsync the directory) lives here.
enum DurableFiles {
    /// Creates `path` (which must not exist), writes all of `bytes`, sets `mode` regardless of the umask,
    /// fsyncs it when `durable`, and closes it. On failure the partial file is removed.
    static func createFile(_ path: String, bytes: [UInt8], mode: mode_t, durable: Bool) throws(FileOperationError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .lastError("creating", path) }
        var failure: FileOperationError?
        if let code = writeAll(bytes, to: fd) {
            failure = FileOperationError(operation: "writing", path: path, code: code)
        } else if fchmod(fd, mode) != 0 {
            failure = .lastError("setting the mode of", path)
        } else if durable && retryingOnInterrupt({ fsync(fd) }) != 0 {
            failure = .lastError("fsync of", path)
        }
        // Linux closes the descriptor even when close fails, so it is never retried.
        if close(fd) != 0 && failure == nil { failure = .lastError("closing", path) }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    /// Flushes a file someone else wrote, so a rename cannot make a name point at unwritten blocks.
    static func syncFile(_ path: String) throws(FileOperationError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .lastError("opening (to fsync)", path) }
        defer { close(fd) }
        guard retryingOnInterrupt({ fsync(fd) }) == 0 else { throw .lastError("fsync of", path) }
    }

    /// Renames `source` over `destination` (atomic within one file system), then fsyncs `directory`
    /// so the new name survives a power cut.
    static func renameDurably(_ source: String, to destination: String, directory: String) throws(FileOperationError) {
        guard rename(source, destination) == 0 else { throw .lastError("renaming \"\(source)\" to", destination) }
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) throws(FileOperationError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .lastError("opening directory (to fsync)", directory) }
        defer { close(fd) }
        // Some file systems cannot fsync a directory (EINVAL); the rename is then as durable as they allow.
        guard retryingOnInterrupt({ fsync(fd) }) == 0 || errno == EINVAL else {
            throw .lastError("fsync of directory", directory)
        }
    }

    /// Creates `path` and any missing parents with `mode`; an existing directory is left as it is.
    static func createDirectory(_ path: String, mode: mode_t) throws(FileOperationError) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw FileOperationError(operation: "using as a directory", path: path, code: ENOTDIR)
            }
            return
        }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !parent.isEmpty { try createDirectory(parent, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw .lastError("creating directory", path) }
    }

    /// The names in `directory` except `.` and `..`; nil when the directory does not exist.
    static func names(in directory: String) throws(FileOperationError) -> [String]? {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return nil }
            throw .lastError("listing directory", directory)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Writes everything, resuming after partial writes and EINTR; returns the errno that stopped it, if any.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    // A zero-byte write would otherwise loop forever.
                    return written == 0 ? EIO : errno
                }
            }
            return nil
        }
    }

    private static func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }
}
