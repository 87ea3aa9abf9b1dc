/// Why a text is not valid JSON, and where.
public struct JSONSyntaxError: Error, Equatable, Sendable {
    /// Byte offset into the text where the problem was found.
    public var offset: Int
    public var message: String
    /// The field name when a key appears twice in one object.
    public var duplicateKey: String?

    public init(offset: Int, message: String, duplicateKey: String? = nil) {
        (self.offset, self.message, self.duplicateKey) = (offset, message, duplicateKey)
    }
}
