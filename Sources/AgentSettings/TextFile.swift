import DurableFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe replacement of small text files.
enum TextFile {
    /// The file's text (invalid UTF-8 replaced), or nil when it does not exist. Reads at most
    /// `maximumBytes` + 1 bytes, so an endless or huge file (`/dev/zero`) fails at once instead of
    /// filling memory.
    static func contents(of path: String, maximumBytes: Int) throws(TextFileError) -> String? {
        let fd = retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .file(FileOperationError(operation: "opening", path: path, code: errno))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let wanted = min(buffer.count, maximumBytes + 1 - bytes.count)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) }
            if count > 0 {
                bytes += buffer[0..<count]
                if bytes.count > maximumBytes { throw .tooLarge(path: path, limit: maximumBytes) }
            } else if count == 0 {
                return String(decoding: bytes, as: UTF8.self)
            } else if errno != EINTR {
                throw .file(FileOperationError(operation: "reading", path: path, code: errno))
            }
        }
    }

    /// Replaces `path` so that a crash at any moment leaves the old or the new content, never a
    /// mix (see `DurableFiles.replace`); the file is mode 0644 narrowed by the umask.
    static func replaceAtomically(_ path: String, with text: String) throws(FileOperationError) {
        try DurableFiles.replace(path, with: Array(text.utf8), mode: 0o644)
    }

    private static func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }
}
