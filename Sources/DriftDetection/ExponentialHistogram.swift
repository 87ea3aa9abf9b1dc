/// ADWIN's window summary: rows of buckets, row r holding up to `maximumBuckets` buckets of 2^r
/// samples each, as a bucket's (sum, sum of squared deviations from its own mean).
///
/// A new sample enters row 0; when a row reaches `maximumBuckets + 1` buckets its two oldest merge
/// into one bucket of the next row, cascading upwards. A window of W samples thus takes
/// O(log W) rows. All `maximumRows` rows are allocated at construction so that inserting never
/// allocates: 64 rows hold more than 2^64 samples, which no stream reaches. Each row is a ring, so
/// dropping its oldest buckets moves nothing; within a row, index 0 is the oldest bucket. A copy
/// shares the rows with its original until one of them is changed, which copies them once. One
/// thread at a time.
public struct ExponentialHistogram: Sendable {
    /// Rows allocated at construction; more than any window can need (see the type's contract).
    public static let maximumRows = 64

    /// A bucket's summary of its 2^row samples.
    public struct Bucket: Sendable, Equatable {
        public var total: Double
        /// Sum of squared deviations from the bucket's own mean.
        public var variance: Double
    }

    private struct Ring {
        var start = 0
        var count = 0
    }

    public let maximumBuckets: Int
    /// Rows in use; row `rowCount − 1` holds the oldest, largest buckets.
    public private(set) var rowCount = 1
    /// Buckets in the whole histogram.
    public private(set) var bucketCount = 0
    // Row r's ring occupies buckets[r·rowCapacity ..< (r + 1)·rowCapacity].
    private let rowCapacity: Int
    private var rings: [Ring]
    private var buckets: [Bucket]

    public init(maximumBuckets: Int) {
        precondition(maximumBuckets >= 1, "ExponentialHistogram needs maximumBuckets ≥ 1, got \(maximumBuckets)")
        self.maximumBuckets = maximumBuckets
        rowCapacity = maximumBuckets + 1
        rings = Array(repeating: Ring(), count: Self.maximumRows)
        buckets = Array(repeating: Bucket(total: 0, variance: 0), count: Self.maximumRows * rowCapacity)
    }

    /// Empties every row, keeping the storage.
    public mutating func removeAll() {
        for row in 0..<rowCount { rings[row] = Ring() }
        rowCount = 1
        bucketCount = 0
    }

    /// Samples summarised by one bucket of `row`: 2^row.
    @inline(__always)
    public static func bucketSize(row: Int) -> Double { Double(UInt64(1) << UInt64(row)) }

    /// Buckets in `row`.
    @inline(__always)
    public func count(row: Int) -> Int { rings[row].count }

    /// Bucket `index` of `row`, index 0 being that row's oldest.
    @inline(__always)
    public func bucket(row: Int, index: Int) -> Bucket { buckets[slot(row: row, index: index)] }

    /// Appends a one-sample bucket and merges full rows upwards (River's `insert_data` + `compress_buckets`).
    public mutating func insert(_ x: Double) {
        append(Bucket(total: x, variance: 0), row: 0)
        var row = 0
        while rings[row].count == rowCapacity {
            let size = Self.bucketSize(row: row)
            let first = bucket(row: row, index: 0)
            let second = bucket(row: row, index: 1)
            let mean0 = first.total / size
            let mean1 = second.total / size
            // Chan et al.'s pairwise merge; River's order of operations, for identical rounding.
            let spread = size * 0.5 * (mean0 - mean1) * (mean0 - mean1)
            precondition(row + 1 < Self.maximumRows, "ExponentialHistogram: more than 2^64 samples")
            if row + 1 == rowCount {
                rings[row + 1] = Ring()
                rowCount += 1
            }
            let merged = Bucket(total: first.total + second.total, variance: first.variance + second.variance + spread)
            append(merged, row: row + 1)
            dropOldest(2, row: row)
            if rings[row + 1].count <= maximumBuckets { break }
            row += 1
        }
    }

    /// The rows in use, each as its bucket count and buckets, oldest first (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(rowCount)
        for row in 0..<rowCount {
            state.append(count(row: row))
            for index in 0..<count(row: row) {
                state.append(bucket(row: row, index: index).total)
                state.append(bucket(row: row, index: index).variance)
            }
        }
    }

    /// Reads back what `save` wrote for the same `maximumBuckets`.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        let rows = try reader.int()
        guard (1...Self.maximumRows).contains(rows) else { throw .badCount(Double(rows)) }
        removeAll()
        for row in 0..<rows {
            let buckets = try reader.int()
            // A row holds at most `maximumBuckets` between inserts.
            guard (0...maximumBuckets).contains(buckets) else { throw .badCount(Double(buckets)) }
            rings[row] = Ring()
            for _ in 0..<buckets { append(Bucket(total: try reader.double(), variance: try reader.double()), row: row) }
        }
        rowCount = rows
    }

    /// Drops the oldest bucket of the window and returns it with its sample count.
    public mutating func removeOldestBucket() -> (size: Double, bucket: Bucket) {
        let row = rowCount - 1
        let removed = (Self.bucketSize(row: row), bucket(row: row, index: 0))
        dropOldest(1, row: row)
        if rings[row].count == 0 && rowCount > 1 { rowCount -= 1 }
        return removed
    }

    @inline(__always)
    private func slot(row: Int, index: Int) -> Int {
        let offset = rings[row].start + index  // < 2·rowCapacity: one conditional subtraction wraps it
        return row * rowCapacity + (offset >= rowCapacity ? offset - rowCapacity : offset)
    }

    @inline(__always)
    private mutating func append(_ bucket: Bucket, row: Int) {
        buckets[slot(row: row, index: rings[row].count)] = bucket
        rings[row].count += 1
        bucketCount += 1
    }

    @inline(__always)
    private mutating func dropOldest(_ n: Int, row: Int) {
        let start = rings[row].start + n
        rings[row].start = start >= rowCapacity ? start - rowCapacity : start
        rings[row].count -= n
        bucketCount -= n
    }
}
