/// Why a text is not valid JSON, and where.
struct JSONSyntaxError: Error, Equatable {
    /// Byte offset into the text where the problem was found.
    var offset: Int
    var message: String
    /// The field name when a key appears twice in one object.
    var duplicateKey: String?
}
