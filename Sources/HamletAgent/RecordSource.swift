import VectorStream

/// Where `hamlet learn` gets its records: a text stream of vectors, or audio turned into features.
public protocol RecordSource: AnyObject {
    /// The names of the values in each record, known after the first `next()`.
    var columns: [String] { get }
    /// What a sample's `position` counts, as the output names it ("line", "frame", "tick").
    var positionName: String { get }
    /// True when every record carries a time (`Sample.time`), known after the first
    /// `next()` like `columns`: a forecast then also takes the calendar's phases as inputs.
    var recordsHaveTime: Bool { get }
    /// The next record, nil at the end; after a recoverable error the next call goes on.
    func next() throws(SourceError) -> Sample?
    /// The next record or joined late target, nil at the end. By default every event is a
    /// record from `next()` with no join key; sources with late targets override it.
    func nextEvent() throws(SourceError) -> RecordSourceEvent?
}

extension RecordSource {
    /// Generated and audio records have no time of their own.
    public var recordsHaveTime: Bool { false }
    public func nextEvent() throws(SourceError) -> RecordSourceEvent? { try next().map { .record($0, joinKey: nil) } }
}

/// What a `RecordSource` yields: an input record, or a late target joined to an earlier record.
public enum RecordSourceEvent: Sendable, Equatable {
    /// An input step; `joinKey` is its key for late targets (sequence number or timestamp), if any.
    case record(Sample, joinKey: Double?)
    /// A target joined to the record it labels.
    case joined(JoinedTarget)
}

extension VectorStreamReader: RecordSource {
    public var positionName: String { "line" }
    public var recordsHaveTime: Bool { timestampColumn != nil }
}
