/// Which columns `VectorStreamReader` parses as numbers. The others may hold any text (ids, labels,
/// dates) and read as NaN, so a column nobody uses cannot make a line malformed.
public enum ParsedColumns: Sendable, Equatable {
    case all
    case allExcept(Set<String>)
    /// Only these; used when the wanted columns are known before the header is.
    case only(Set<String>)

    func contains(_ name: String) -> Bool {
        switch self {
        case .all: return true
        case .allExcept(let skipped): return !skipped.contains(name)
        case .only(let parsed): return parsed.contains(name)
        }
    }
}
