import CSndFile

/// A failed libsndfile call: its error `code` (`sf_error`), the `operation`, the file `path`,
/// and libsndfile's `reason` (`sf_strerror`), captured at the time of the failure.
public struct SndFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let operation: String
    public let path: String
    public let reason: String

    public init(code: Int32, operation: String, path: String, reason: String) {
        (self.code, self.operation, self.path, self.reason) = (code, operation, path, reason)
    }

    /// Reads code and reason from `handle` (or, for a failed `sf_open`, from libsndfile's global error).
    init(operation: String, path: String, handle: OpaquePointer?, sndfile: hamlet_sndfile) {
        self.init(
            code: sndfile.sf_error(handle), operation: operation, path: path, reason: sndfile.sf_strerror(handle).map { String(cString: $0) } ?? "no reason given")
    }

    /// libsndfile could not be loaded (code `SF_ERR_SYSTEM`).
    init(path: String, unavailable: AudioLibraryError) {
        self.init(code: Int32(SF_ERR_SYSTEM), operation: "dlopen \(unavailable.library)", path: path, reason: unavailable.reason)
    }

    public var description: String { "\(path): \(operation) failed: \(reason) (libsndfile error \(code))" }
}
