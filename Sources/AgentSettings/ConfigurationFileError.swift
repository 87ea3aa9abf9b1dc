#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A configuration or overrides file that could not be read or written, with the failing step and errno.
public struct ConfigurationFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What was being done, such as `rename the temporary file over`.
    public var operation: String
    public var errorNumber: Int32

    public init(path: String, operation: String, errorNumber: Int32) {
        self.path = path
        self.operation = operation
        self.errorNumber = errorNumber
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errorNumber)))"
    }
}
