import JSONText

/// How error messages quote what the sender wrote.
enum MessageText {
    /// `text` as a JSON-style quoted string, cut to 64 characters so a hostile request cannot
    /// inflate its reply.
    static func quoted(_ text: String) -> String { JSONText.string(cut(text)) }

    /// `text` cut to 64 characters, marked with "…" when cut.
    static func cut(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }
}
