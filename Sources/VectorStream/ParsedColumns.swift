/// Which columns `VectorStreamReader` parses as numbers. The others may hold any text (ids, labels,
/// dates) and read as NaN, so a column nobody uses cannot make a line malformed.
public enum ParsedColumns: Sendable, Equatable {
    case all
    case allExcept(Set<String>)
    /// Only these; used when the wanted columns are known before the header is.
    case only(Set<String>)

    /// True for a column named in `.allExcept`: one the caller asked to ignore, not merely left unlisted.
    func isLeftOutByName(_ name: String) -> Bool {
        if case .allExcept(let skipped) = self { return skipped.contains(name) }
        return false
    }

    func contains(_ name: String) -> Bool {
        switch self {
        case .all: return true
        case .allExcept(let skipped): return !skipped.contains(name)
        case .only(let parsed): return parsed.contains(name)
        }
    }
}
