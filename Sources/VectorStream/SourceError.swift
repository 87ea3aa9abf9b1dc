/// A problem with a source's input, tied to a position when it concerns one; `description`
/// reads "line 12: message" (or "frame 12: …", as the source counts its positions).
public struct SourceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where the problem is, in the source's count (for a file: the 1-based physical line,
    /// counting blank lines); nil for problems not tied to one record.
    public let position: Int?
    /// What `position` counts ("line", "frame", "tick").
    public let positionName: String
    /// What is wrong, without the "line N: " prefix.
    public let message: String
    /// True when only the offending record was lost and `next()` may be called again (for `--skip-bad`);
    /// false when the stream cannot go on (unreadable input, bad CSV header), and `next()` rethrows this error.
    public let isRecoverable: Bool

    public init(position: Int?, _ message: String, recoverable: Bool, positionName: String = "line") {
        (self.position, self.positionName, self.message) = (position, positionName, message)
        self.isRecoverable = recoverable
    }

    public var description: String {
        if let position { return "\(positionName) \(position): \(message)" }
        return message
    }
}
