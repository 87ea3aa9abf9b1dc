/// ADWIN's window summary: rows of buckets, row r holding up to `maximumBuckets` buckets of 2^r
/// samples each, as a bucket's (sum, sum of squared deviations from its own mean).
///
/// A new sample enters row 0; when a row reaches `maximumBuckets + 1` buckets its two oldest merge
/// into one bucket of the next row, cascading upwards. A window of W samples thus takes
/// O(log W) rows. All `maximumRows` rows are allocated at construction so that inserting never
/// allocates: 64 rows hold more than 2^64 samples, which no stream reaches. Within a row, index 0
/// is the oldest bucket. One thread at a time.
public struct ExponentialHistogram: Sendable {
    /// Rows allocated at construction; more than any window can need (see the type's contract).
    public static let maximumRows = 64

    public let maximumBuckets: Int
    /// Rows in use; row `rowCount − 1` holds the oldest, largest buckets.
    public private(set) var rowCount = 1
    /// Buckets in the whole histogram.
    public private(set) var bucketCount = 0
    // Row r's buckets live at [r·rowCapacity, r·rowCapacity + counts[r]).
    private let rowCapacity: Int
    private var counts: [Int]
    private var totals: [Double]
    private var variances: [Double]

    public init(maximumBuckets: Int) {
        precondition(maximumBuckets >= 1, "ExponentialHistogram needs maximumBuckets ≥ 1, got \(maximumBuckets)")
        self.maximumBuckets = maximumBuckets
        rowCapacity = maximumBuckets + 1
        counts = Array(repeating: 0, count: Self.maximumRows)
        totals = Array(repeating: 0, count: Self.maximumRows * rowCapacity)
        variances = totals
    }

    /// Empties every row, keeping the storage.
    public mutating func removeAll() {
        for row in 0..<rowCount { counts[row] = 0 }
        rowCount = 1
        bucketCount = 0
    }

    /// Samples summarised by one bucket of `row`: 2^row.
    @inline(__always)
    public static func bucketSize(row: Int) -> Double { Double(UInt64(1) << UInt64(row)) }

    /// Buckets in `row`.
    @inline(__always)
    public func count(row: Int) -> Int { counts[row] }

    /// The sum of the samples in bucket `index` of `row` (index 0 is that row's oldest).
    @inline(__always)
    public func total(row: Int, index: Int) -> Double { totals[row * rowCapacity + index] }

    /// Appends a one-sample bucket and merges full rows upwards (River's `insert_data` + `compress_buckets`).
    public mutating func insert(_ x: Double) {
        append(row: 0, total: x, variance: 0)
        var row = 0
        while counts[row] == rowCapacity {
            let base = row * rowCapacity
            let size = Self.bucketSize(row: row)
            let (t0, t1) = (totals[base], totals[base + 1])
            let (v0, v1) = (variances[base], variances[base + 1])
            let mean0 = t0 / size
            let mean1 = t1 / size
            // Chan et al.'s pairwise merge; River's order of operations, for identical rounding.
            let spread = size * 0.5 * (mean0 - mean1) * (mean0 - mean1)
            precondition(row + 1 < Self.maximumRows, "ExponentialHistogram: more than 2^64 samples")
            if row + 1 == rowCount {
                counts[row + 1] = 0
                rowCount += 1
            }
            append(row: row + 1, total: t0 + t1, variance: v0 + v1 + spread)
            removeOldest(2, row: row)
            if counts[row + 1] <= maximumBuckets { break }
            row += 1
        }
    }

    /// Drops the oldest bucket of the window and returns its sample count, sum and variance sum.
    public mutating func removeOldestBucket() -> (size: Double, total: Double, variance: Double) {
        let row = rowCount - 1
        let base = row * rowCapacity
        let removed = (Self.bucketSize(row: row), totals[base], variances[base])
        removeOldest(1, row: row)
        if counts[row] == 0 && rowCount > 1 { rowCount -= 1 }
        return removed
    }

    @inline(__always)
    private mutating func append(row: Int, total: Double, variance: Double) {
        let slot = row * rowCapacity + counts[row]
        totals[slot] = total
        variances[slot] = variance
        counts[row] += 1
        bucketCount += 1
    }

    private mutating func removeOldest(_ n: Int, row: Int) {
        let base = row * rowCapacity
        let remaining = counts[row] - n
        for i in 0..<remaining {
            totals[base + i] = totals[base + n + i]
            variances[base + i] = variances[base + n + i]
        }
        counts[row] = remaining
        bucketCount -= n
    }
}
