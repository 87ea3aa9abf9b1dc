/// A failed libsamplerate call: its error `code`, the `operation`, and `src_strerror`'s text.
public struct SampleRateError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let operation: String
    /// Why libsamplerate itself could not be loaded; nil for a failed call.
    private let unavailable: AudioLibraryError?

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        unavailable = nil
    }

    /// libsamplerate could not be loaded.
    init(_ unavailable: AudioLibraryError) {
        code = -1
        operation = "dlopen \(unavailable.library)"
        self.unavailable = unavailable
    }

    /// `src_strerror(code)`.
    public var message: String {
        if let unavailable { return unavailable.reason }
        guard case .success(let samplerate) = AudioLibraries.samplerate, let text = samplerate.src_strerror(code) else {
            return "unknown libsamplerate error"
        }
        return String(cString: text)
    }

    public var description: String { "\(operation): \(message) (libsamplerate error \(code))" }
}
