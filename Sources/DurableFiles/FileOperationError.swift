#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file-system call that failed: which call, on which path, and errno.
public struct FileOperationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The step that failed, in words ("fsync of directory", "rename over").
    public var operation: String
    public var path: String
    /// The errno value the call left.
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        (self.operation, self.path, self.code) = (operation, path, code)
    }

    /// Captures errno; call it straight after the failing call, before anything else can change errno.
    static func lastError(_ operation: String, _ path: String) -> FileOperationError {
        FileOperationError(operation: operation, path: path, code: errno)
    }

    public var description: String {
        "\(operation) \"\(path)\" failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}
