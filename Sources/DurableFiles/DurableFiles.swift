#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The POSIX steps behind crash-safe files (checkpoints, safetensors, the overrides file, the
/// Prometheus textfile), written once; every call retries EINTR and failures carry errno.
public enum DurableFiles {
    /// Replaces `path` with `bytes` so that a crash at any instant leaves the complete old content or the
    /// complete new one: a new temporary file `.<name>.tmp-<random>` beside it (rename is atomic only within
    /// one file system), written, fsynced, renamed over `path`, then the directory fsynced. On failure before
    /// the rename the temporary file is removed and `path` is untouched.
    ///
    /// - Parameters:
    ///   - mode: the new file's permissions, narrowed by the umask unless `exactMode` is true.
    ///   - durable: false skips both fsyncs, for files worthless after a power cut (the rename stays atomic).
    public static func replace(
        _ path: String, with bytes: [UInt8], mode: mode_t = 0o666, exactMode: Bool = false, durable: Bool = true
    ) throws(FileOperationError) {
        let prefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let directory = prefix.isEmpty ? "." : prefix == "/" ? prefix : String(prefix.dropLast())
        let (fd, temporaryPath) = try createTemporaryFile(prefix: prefix, name: String(path.dropFirst(prefix.count)), mode: mode)
        try finish(fd, temporaryPath, bytes: bytes, mode: exactMode ? mode : nil, durable: durable, naming: "temporary file")
        guard rename(temporaryPath, path) == 0 else {
            let error = FileOperationError.lastError("renaming temporary file \"\(temporaryPath)\" over", path)
            unlink(temporaryPath)
            throw error
        }
        if durable { try syncDirectory(directory) }
    }

    /// Creates `path` (which must not exist), writes all of `bytes`, sets `mode` regardless of the umask,
    /// fsyncs it when `durable`, and closes it. On failure the partial file is removed.
    public static func createFile(_ path: String, bytes: [UInt8], mode: mode_t, durable: Bool) throws(FileOperationError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .lastError("creating", path) }
        try finish(fd, path, bytes: bytes, mode: mode, durable: durable, naming: nil)
    }

    /// Flushes a file someone else wrote, so a rename cannot make a name point at unwritten blocks.
    public static func syncFile(_ path: String) throws(FileOperationError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .lastError("opening (to fsync)", path) }
        defer { close(fd) }
        guard retryingOnInterrupt({ fsync(fd) }) == 0 else { throw .lastError("fsync of", path) }
    }

    /// Renames `source` over `destination` (atomic within one file system), then fsyncs `directory`
    /// so the new name survives a power cut.
    public static func renameDurably(_ source: String, to destination: String, directory: String) throws(FileOperationError) {
        guard rename(source, destination) == 0 else { throw .lastError("renaming \"\(source)\" to", destination) }
        try syncDirectory(directory)
    }

    /// Makes renames in `directory` durable; without this a crash can bring back the old directory entry.
    public static func syncDirectory(_ directory: String) throws(FileOperationError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .lastError("opening directory (to fsync)", directory) }
        defer { close(fd) }
        // Some file systems cannot fsync a directory (EINVAL); the rename is then as durable as they allow.
        guard retryingOnInterrupt({ fsync(fd) }) == 0 || errno == EINVAL else {
            throw .lastError("fsync of directory", directory)
        }
    }

    /// Creates `path` and any missing parents with `mode`; an existing directory is left as it is.
    public static func createDirectory(_ path: String, mode: mode_t) throws(FileOperationError) {
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
    public static func names(in directory: String) throws(FileOperationError) -> [String]? {
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

    /// Opens a new `.<name>.tmp-<random>` in `prefix` (a directory path ending in `/`, or empty for the current one).
    private static func createTemporaryFile(prefix: String, name: String, mode: mode_t) throws(FileOperationError) -> (Int32, String) {
        // Keeps the temporary name within NAME_MAX even for long target names.
        let stem = String(decoding: name.utf8.prefix(200), as: UTF8.self)
        for _ in 0..<100 {
            let candidate = prefix + "." + stem + ".tmp-" + String(UInt64.random(in: .min ... .max), radix: 36)
            // O_EXCL makes the name ours alone.
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 { return (fd, candidate) }
            if errno == EEXIST || errno == EINTR { continue }
            throw .lastError("creating temporary file", candidate)
        }
        throw FileOperationError(
            operation: "creating a temporary file (100 random names were all taken) in", path: prefix.isEmpty ? "." : prefix,
            code: EEXIST)
    }

    /// Writes `bytes` to the new file `fd` at `path`, sets `mode` (when given) past the umask, fsyncs when
    /// `durable`, and closes it; on failure removes the file. `naming` words the file in errors.
    private static func finish(
        _ fd: Int32, _ path: String, bytes: [UInt8], mode: mode_t?, durable: Bool, naming: String?
    ) throws(FileOperationError) {
        let noun = naming.map { " " + $0 } ?? ""
        var failure: FileOperationError?
        if let code = writeAll(bytes, to: fd) {
            failure = FileOperationError(operation: "writing" + noun, path: path, code: code)
        } else if let mode, fchmod(fd, mode) != 0 {
            failure = .lastError("setting the mode of" + noun, path)
        } else if durable && retryingOnInterrupt({ fsync(fd) }) != 0 {
            failure = .lastError("fsync of" + noun, path)
        }
        // Linux closes the descriptor even when close fails, so it is never retried.
        if close(fd) != 0 && failure == nil { failure = .lastError("closing" + noun, path) }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    /// The first `maximumBytes` of `path` and the file's whole size; nil when it does not exist.
    public static func read(_ path: String, atMost maximumBytes: Int) throws(FileOperationError) -> (bytes: [UInt8], fileSize: Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .lastError("opening", path)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .lastError("stat of", path) }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: min(size, maximumBytes))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n == 0 {
                break  // shrank meanwhile
            } else {
                throw .lastError("reading", path)
            }
        }
        return (Array(bytes[0..<offset]), size)
    }

    /// Appends all of `bytes` to the open descriptor `fd` of `path` (opened with `O_APPEND`), resuming after
    /// partial writes and EINTR, and with `durable` fdatasyncs it. For append-only logs.
    public static func append(_ bytes: [UInt8], to fd: Int32, path: String, durable: Bool) throws(FileOperationError) {
        if let code = writeAll(bytes, to: fd) { throw FileOperationError(operation: "appending to", path: path, code: code) }
        if durable && retryingOnInterrupt({ fdatasync(fd) }) != 0 { throw .lastError("fdatasync of", path) }
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
