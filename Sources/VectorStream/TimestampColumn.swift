/// Which column, if any, holds each record's time (see `Sample.time`).
public enum TimestampColumn: Sendable, Equatable {
    /// No timestamp column: every column is a value.
    case none
    /// The column named exactly `timestamp`, else the one named `time`, if there is one; a column that
    /// `ParsedColumns.allExcept` leaves out by name is not a candidate (it was asked to be ignored).
    case automatic
    /// This column, which must exist.
    case named(String)

    /// The name of the timestamp column among `columns`; nil when there is none (or the named one is missing).
    func resolved(in columns: [String], parsed: ParsedColumns) -> String? {
        switch self {
        case .none: return nil
        case .automatic: return ["timestamp", "time"].first { columns.contains($0) && !parsed.isLeftOutByName($0) }
        case .named(let name): return columns.contains(name) ? name : nil
        }
    }
}
