extension StringProtocol {
    /// The text without the spaces and tabs around it (newlines stay): what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` gave, without linking Foundation's ICU data.
    public var trimmingBlanks: String {
        let isBlank: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
        guard let first = firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = lastIndex(where: { !isBlank($0) })!
        return String(self[first...last])
    }
}
