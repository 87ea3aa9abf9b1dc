/// A problem with the input, tied to a line when it concerns one; `description` reads "line N: message".
public struct VectorInputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The 1-based physical line the problem is on, counting blank lines; nil for problems not tied to a line.
    public let line: Int?
    /// What is wrong, without the "line N: " prefix.
    public let message: String
    /// True when only the offending line was lost and `next()` may be called again (for `--skip-bad`);
    /// false when the stream cannot go on (unreadable input, bad CSV header), and `next()` rethrows this error.
    public let isRecoverable: Bool

    public init(line: Int?, _ message: String, recoverable: Bool) {
        self.line = line
        self.message = message
        self.isRecoverable = recoverable
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
