import CSampleRate

/// A failed libsamplerate call: its error `code`, the `operation`, and `src_strerror`'s text.
public struct SampleRateError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// `src_strerror(code)`.
    public var message: String {
        guard let text = src_strerror(code) else { return "unknown libsamplerate error" }
        return String(cString: text)
    }

    public var description: String { "\(operation): \(message) (libsamplerate error \(code))" }
}
