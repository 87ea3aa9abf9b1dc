/// The two record layouts `VectorStreamReader` understands.
public enum VectorFormat: String, Sendable, CaseIterable {
    /// Comma-separated values; the first non-blank line is the header of column names.
    case csv
    /// One JSON array of numbers or one JSON object of numbers per line.
    case jsonLines = "jsonl"

    /// The format implied by `path`'s extension (.csv; .jsonl, .ndjson, .json), or nil when it implies none.
    public init?(fileExtensionOf path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson", "json": self = .jsonLines
        default: return nil
        }
    }

    /// The format of a stream whose first non-blank line starts with `byte` (its first non-blank byte).
    static func sniffed(fromFirstByte byte: UInt8) -> VectorFormat {
        byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") ? .jsonLines : .csv
    }
}
