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
    /// Writes the next record over `sample`, keeping its values' storage, so a loop that passes
    /// the same sample allocates nothing per record; false at the end. After a recoverable error
    /// the next call goes on; after a throw the sample's contents are unspecified.
    func next(into sample: inout Sample) throws(SourceError) -> Bool
    /// The next record (written over `sample`, as `next(into:)` does) or joined late target, nil
    /// at the end. By default every event is a record with no join key; sources with late
    /// targets override it.
    func nextEvent(into sample: inout Sample) throws(SourceError) -> RecordSourceEvent?
}

extension RecordSource {
    /// Generated and audio records have no time of their own.
    public var recordsHaveTime: Bool { false }
    public func nextEvent(into sample: inout Sample) throws(SourceError) -> RecordSourceEvent? {
        try next(into: &sample) ? .record(joinKey: nil) : nil
    }
    /// The next record in a sample of its own, nil at the end: for callers that keep records.
    public func next() throws(SourceError) -> Sample? {
        var sample = Sample(position: 0, values: [])
        return try next(into: &sample) ? sample : nil
    }
}

/// What a `RecordSource` yields besides the record it writes into the caller's sample.
public enum RecordSourceEvent: Sendable, Equatable {
    /// The caller's sample now holds an input step; `joinKey` is its key for late targets
    /// (sequence number or timestamp), if any.
    case record(joinKey: Double?)
    /// A target joined to the record it labels.
    case joined(JoinedTarget)
}

extension VectorStreamReader: RecordSource {
    public var positionName: String { "line" }
    public var recordsHaveTime: Bool { timestampColumn != nil }
}
