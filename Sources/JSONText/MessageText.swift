/// How error messages quote what the sender wrote.
public enum MessageText {
    /// `text` as a JSON-style quoted string, cut to 64 characters so a hostile request cannot
    /// inflate its reply.
    public static func quoted(_ text: String) -> String { JSONText.string(cut(text)) }

    /// `text` cut to 64 characters, marked with "…" when cut.
    public static func cut(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }
}
