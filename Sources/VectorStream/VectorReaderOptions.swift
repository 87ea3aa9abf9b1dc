/// How `VectorStreamReader` interprets the columns, beyond the format.
public struct VectorReaderOptions: Sendable, Equatable {
    /// The CSV field separator (`,`, `;`, tab…); nil detects it from the header line.
    public var delimiter: UInt8?
    public var timestampColumn: TimestampColumn
    public var parsedColumns: ParsedColumns
    /// Values (not timestamps) of a larger magnitude are refused like malformed ones; nil: any
    /// finite Double. `floatRange` is the limit of readers that feed Float learners.
    public var maximumMagnitude: Double?

    /// The largest finite Float, about 3.4e38: what a learner in Float can take.
    public static let floatRange = Double(Float.greatestFiniteMagnitude)

    public init(
        delimiter: UInt8? = nil, timestampColumn: TimestampColumn = .none, parsedColumns: ParsedColumns = .all,
        maximumMagnitude: Double? = nil
    ) {
        (self.delimiter, self.timestampColumn, self.parsedColumns) = (delimiter, timestampColumn, parsedColumns)
        self.maximumMagnitude = maximumMagnitude
    }

    /// Why `value` is refused under `maximumMagnitude`, or nil; worded as the MQTT sensor path words it.
    func magnitudeProblem(_ value: Double) -> String? {
        guard let limit = maximumMagnitude, abs(value) > limit else { return nil }
        let expected = limit == Self.floatRange ? "outside the Float range; expected a magnitude at most 3.4028235e38"
            : "larger than allowed; expected a magnitude at most \(limit)"
        return "is \(value), \(expected)"
    }

    /// How each of `columns` is read; nil when the named timestamp column is not among them.
    func plan(for columns: [String]) -> ColumnPlan? {
        let timestamp = timestampColumn.resolved(in: columns, parsed: parsedColumns)
        if case .named = timestampColumn, timestamp == nil { return nil }
        return ColumnPlan(
            roles: columns.map { name in
                name == timestamp ? .timestamp : parsedColumns.contains(name) ? .number : .unparsed
            },
            timestampName: timestamp)
    }

    /// The message for a named timestamp column the input does not have.
    func missingTimestampMessage(columns: [String]) -> String {
        guard case .named(let name) = timestampColumn else { return "" }
        return "no column named \"\(name)\" for the timestamp; the columns are \(columnList(columns, limit: 50))"
    }
}

/// What a reader does with each column's field.
enum ColumnRole: Sendable, Equatable {
    case number
    case timestamp
    case unparsed
}

/// The roles of a reader's columns, fixed once the column names are known.
struct ColumnPlan: Sendable, Equatable {
    var roles: [ColumnRole]
    var timestampName: String?
}
