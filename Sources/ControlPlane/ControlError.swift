/// A reply's `error`: a code for programs, a message that says what to fix, and the field at
/// fault when there is one.
public struct ControlError: Error, Sendable, Equatable {
    public var code: ControlErrorCode
    public var message: String
    /// The request field at fault, when exactly one is.
    public var field: String?

    public init(_ code: ControlErrorCode, _ message: String, field: String? = nil) {
        (self.code, self.message, self.field) = (code, message, field)
    }
}
