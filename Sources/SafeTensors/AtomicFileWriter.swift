#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files so that a crash at any moment leaves either the complete old content or the complete new content.
enum AtomicFileWriter {
    /// Writes `bytes` to a new temporary file beside `path`, fsyncs it, renames it over `path`, then fsyncs the directory.
    static func replace(_ path: String, with bytes: [UInt8]) throws(SafeTensorsError) {
        // The temporary file must share the target's directory, since rename is only atomic within one filesystem.
        let prefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let directory = prefix.isEmpty ? "." : prefix
        let name = String(path.dropFirst(prefix.count))

        let (fd, temporaryPath) = try createTemporaryFile(prefix: prefix, name: name, target: path)
        var isOpen = true
        do throws(SafeTensorsError) {
            if let code = writeAll(bytes, to: fd) {
                throw .writeFailed(path: path, step: "writing temporary file \"\(temporaryPath)\"", reason: errnoDescription(code))
            }
            guard retryingOnInterrupt({ fsync(fd) }) == 0 else {
                throw failure(path, "fsync of temporary file \"\(temporaryPath)\"")
            }
            isOpen = false
            // Linux closes the descriptor even when close fails, so it is never retried.
            guard close(fd) == 0 else { throw failure(path, "closing temporary file \"\(temporaryPath)\"") }
            guard rename(temporaryPath, path) == 0 else {
                throw failure(path, "renaming temporary file \"\(temporaryPath)\" over it")
            }
        } catch {
            if isOpen { close(fd) }
            unlink(temporaryPath)
            throw error
        }
        try syncDirectory(directory, target: path)
    }

    private static func createTemporaryFile(prefix: String, name: String, target: String) throws(SafeTensorsError) -> (Int32, String) {
        // Keeps the temporary name within NAME_MAX even for long target names.
        let stem = String(decoding: name.utf8.prefix(200), as: UTF8.self)
        for _ in 0..<100 {
            let suffix = String(UInt64.random(in: .min ... .max), radix: 36)
            let candidate = prefix + "." + stem + ".tmp-" + suffix
            // O_EXCL makes the name ours alone; mode 0666 lets the umask decide permissions, as for any new file.
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { return (fd, candidate) }
            if errno == EEXIST || errno == EINTR { continue }
            throw failure(target, "creating temporary file \"\(candidate)\"")
        }
        throw .writeFailed(path: target, step: "creating a temporary file in \"\(prefix.isEmpty ? "." : prefix)\"",
                           reason: "100 random names were all taken")
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

    /// Makes the rename itself durable; without this a crash can bring back the old directory entry.
    private static func syncDirectory(_ directory: String, target: String) throws(SafeTensorsError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw failure(target, "opening directory \"\(directory)\" to fsync the rename (the new content is in place)")
        }
        defer { close(fd) }
        // Some filesystems cannot fsync a directory (EINVAL); the rename is then as durable as they allow.
        guard retryingOnInterrupt({ fsync(fd) }) == 0 || errno == EINVAL else {
            throw failure(target, "fsync of directory \"\(directory)\" (the new content is in place)")
        }
    }

    private static func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// Must be called straight after the failing call, before anything else can change errno.
    private static func failure(_ path: String, _ step: String) -> SafeTensorsError {
        .writeFailed(path: path, step: step, reason: errnoDescription(errno))
    }
}
