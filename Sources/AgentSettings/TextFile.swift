#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe replacement of small text files.
enum TextFile {
    /// The file's text (invalid UTF-8 replaced), or nil when it does not exist.
    static func contents(of path: String) throws(ConfigurationFileError) -> String? {
        let fd = retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw ConfigurationFileError(path: path, operation: "open", errorNumber: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count == 0 {
                return String(decoding: bytes, as: UTF8.self)
            } else if errno != EINTR {
                throw ConfigurationFileError(path: path, operation: "read", errorNumber: errno)
            }
        }
    }

    /// Replaces `path` so that a crash at any moment leaves the old or the new content, never a
    /// mix: writes a temporary file in the same directory, fsyncs it, renames it over `path`, and
    /// fsyncs the directory so that the rename itself survives a power loss.
    static func replaceAtomically(_ path: String, with text: String) throws(ConfigurationFileError) {
        // rename is atomic only within one filesystem, hence the same directory.
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (slash.map { String(path[...$0]) } ?? "") + ".\(name).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"

        let fd = retryingOnInterrupt { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw ConfigurationFileError(path: temporary, operation: "create", errorNumber: errno) }
        do throws(ConfigurationFileError) {
            try writeAll(Array(text.utf8), to: fd, path: temporary)
            guard retryingOnInterrupt({ fsync(fd) }) == 0 else {
                throw ConfigurationFileError(path: temporary, operation: "fsync", errorNumber: errno)
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        // Linux closes the descriptor even when close fails, so it is not retried.
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw ConfigurationFileError(path: temporary, operation: "close", errorNumber: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ConfigurationFileError(path: path, operation: "rename \(temporary) over", errorNumber: code)
        }
        let directoryFD = retryingOnInterrupt { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard directoryFD >= 0 else {
            throw ConfigurationFileError(path: directory, operation: "open the directory", errorNumber: errno)
        }
        defer { close(directoryFD) }
        // Some filesystems cannot fsync a directory (EINVAL); the rename is then as durable as they allow.
        guard retryingOnInterrupt({ fsync(directoryFD) }) == 0 || errno == EINVAL else {
            throw ConfigurationFileError(path: directory, operation: "fsync the directory", errorNumber: errno)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(ConfigurationFileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                // A zero-byte write would otherwise loop forever.
                throw ConfigurationFileError(path: path, operation: "write", errorNumber: written == 0 ? EIO : errno)
            }
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
