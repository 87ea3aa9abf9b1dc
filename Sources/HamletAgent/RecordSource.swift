import VectorStream

/// Where `hamlet learn` gets its records: a text stream of vectors, or audio turned into features.
public protocol RecordSource: AnyObject {
    /// The names of the values in each record, known after the first `next()`.
    var columns: [String] { get }
    /// What a record's `line` counts, as it appears in the output ("line" or "frame").
    var positionName: String { get }
    /// The next record, nil at the end; after a recoverable error the next call goes on.
    func next() throws(VectorInputError) -> VectorRecord?
}

extension VectorStreamReader: RecordSource {
    public var positionName: String { "line" }
}
