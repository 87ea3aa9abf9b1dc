#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ADaptive WINdowing (Bifet & Gavaldà 2007, ADWIN2), sample for sample the same as River 0.26's
/// `drift.ADWIN`.
///
/// The window W is an `ExponentialHistogram`. Every `clock`-th sample, once |W| > `gracePeriod`,
/// each bucket boundary splits W into an older W₀ and a newer W₁ (oldest cut first); with
/// nᵢ = |Wᵢ| ≥ `minimumWindowLength`, m = 1/(n₀ − ℓ + 1) + 1/(n₁ − ℓ + 1), σ² = variance of W and
/// δ' = ln(2·ln|W| / δ), the cut detects drift when
///
///     |μ₀ − μ₁| > sqrt(2·m·σ²·δ') + (2/3)·δ'·m.
///
/// A detection drops the oldest bucket and re-tests, as River does; the sample after a detection
/// starts an empty window (River's `ADWIN.update` resets). Arithmetic follows River's operation
/// order so that detections land on the same indices. Memory: the histogram's fixed 64 rows
/// (about 6 KB at the default 5 buckets), allocated at construction; `update` allocates nothing
/// (but a copy shares the rows with its original until one of them is updated, which copies once).
/// Cost: amortised O(1) per sample plus O(log W) cut tests every `clock` samples. One thread at a time.
public struct ADWIN: DriftDetector, SavedStateRepresentable {
    public let configuration: ADWINConfiguration
    public var name: String { "adwin" }
    /// A cut detects when |μ₀ − μ₁| / ε_cut exceeds 1.
    public var threshold: Double { 1 }
    /// The largest |μ₀ − μ₁| / ε_cut over the cuts of the latest test (held between tests).
    public private(set) var statistic: Double = 0
    /// Samples in the window.
    public private(set) var width: Double = 0
    /// Sum of the samples in the window.
    public private(set) var total: Double = 0
    /// Sum of squared deviations from the window's mean (River's `variance`, not divided by width).
    public private(set) var varianceSum: Double = 0
    /// The bucket rows summarising the window.
    public private(set) var histogram: ExponentialHistogram
    private var tick = 0
    private var detected = false

    public init(_ configuration: ADWINConfiguration = ADWINConfiguration()) {
        precondition(configuration.problems.isEmpty, "ADWIN: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        histogram = ExponentialHistogram(maximumBuckets: configuration.maximumBuckets)
    }

    /// The mean of the window (0 when empty).
    public var estimation: Double { width > 0 ? total / width : 0 }

    /// Empties the window, keeping the storage.
    public mutating func reset() {
        histogram.removeAll()
        width = 0
        total = 0
        varianceSum = 0
        tick = 0
        statistic = 0
        detected = false
    }

    /// The window's running sums and its histogram (see `SavedState`).
    public func save(to state: inout SavedState) {
        for value in [statistic, width, total, varianceSum] { state.append(value) }
        state.append(tick)
        state.append(detected)
        histogram.save(to: &state)
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        let sums = try reader.doubles(4)
        (statistic, width, total, varianceSum) = (sums[0], sums[1], sums[2], sums[3])
        tick = try reader.int()
        detected = try reader.bool()
        try histogram.load(from: &reader)
    }

    public mutating func update(_ x: Double) -> DriftSignal? {
        if detected { reset() }
        insert(x)
        tick += 1
        guard tick % configuration.clock == 0 && width > Double(configuration.gracePeriod) else { return nil }
        var kind = DriftKind.change
        var detection = 0.0
        // Like River: after a detection drop the oldest bucket and test the shorter window again.
        while let cut = firstDetectingCut() {
            if !detected { (kind, detection) = (cut.kind, cut.ratio) }
            detected = true
            removeOldestBucket()
        }
        if detected { statistic = detection }
        return detected ? DriftSignal(kind: kind, statistic: detection, threshold: threshold) : nil
    }

    private mutating func insert(_ x: Double) {
        histogram.insert(x)
        width += 1
        var increment = 0.0
        if width > 1 {
            let deviation = x - total / (width - 1)
            increment = (width - 1) * deviation * deviation / width
        }
        varianceSum += increment
        total += x
    }

    private mutating func removeOldestBucket() {
        let (n, bucket) = histogram.removeOldestBucket()
        let (u, v) = (bucket.total, bucket.variance)
        let bucketMean = u / n
        width -= n
        total -= u
        let windowMean = total / width
        varianceSum -= v + n * width * (bucketMean - windowMean) * (bucketMean - windowMean) / (n + width)
    }

    /// Tests the cuts oldest first; returns the first that detects, and records the largest ratio seen.
    private mutating func firstDetectingCut() -> (kind: DriftKind, ratio: Double)? {
        let minimumLength = Double(configuration.minimumWindowLength)
        // Constant over one pass; River recomputes them per cut with the same operands.
        let deltaPrime = log(2 * log(width) / configuration.delta)
        let windowVariance = varianceSum / width
        var n0 = 0.0
        var n1 = width
        var u0 = 0.0
        var u1 = total
        var largestRatio = 0.0
        defer { statistic = largestRatio }
        for row in stride(from: histogram.rowCount - 1, through: 0, by: -1) {
            let size = ExponentialHistogram.bucketSize(row: row)
            let count = histogram.count(row: row)
            for index in 0..<count {
                n0 += size
                n1 -= size
                let bucketTotal = histogram.bucket(row: row, index: index).total
                u0 += bucketTotal
                u1 -= bucketTotal
                if row == 0 && index == count - 1 { return nil }  // W₁ would be empty
                guard n1 >= minimumLength && n0 >= minimumLength else { continue }
                let meanDifference = (u0 / n0) - (u1 / n1)
                let m = 1 / (n0 - minimumLength + 1) + 1 / (n1 - minimumLength + 1)
                let epsilon = (2 * m * windowVariance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * m
                let ratio = abs(meanDifference) / epsilon
                if ratio > largestRatio { largestRatio = ratio }
                if abs(meanDifference) > epsilon {
                    return (meanDifference < 0 ? .increase : .decrease, ratio)
                }
            }
        }
        return nil
    }
}
