/// One input record: its physical line number, its values aligned with the reader's `columns`, and its time.
public struct VectorRecord: Sendable, Equatable {
    public let line: Int
    /// One value per column; NaN for the columns the reader was told not to parse and for the timestamp column.
    public let values: [Double]
    /// Seconds since the Unix epoch (UTC) from the reader's timestamp column; nil when it has none.
    public let timestamp: Double?

    public init(line: Int, values: [Double], timestamp: Double? = nil) {
        self.line = line
        self.values = values
        self.timestamp = timestamp
    }
}
