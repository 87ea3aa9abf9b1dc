#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How rare a value is in a stream's own upper tail: peaks over threshold (after SPOT, Siffer et
/// al., KDD 2017) with bounded memory.
///
/// A histogram with exponential forgetting (memory `memorySamples`) holds the stream's recent
/// distribution. Up to the bin of its `quantile`-th quantile u the tail probability is read off
/// the histogram; beyond it, it is the weight from u's bin up (at least 1 − quantile) times the
/// survival function of a generalized Pareto distribution fitted to the excesses over that bin's
/// lower edge by the method of moments (shape ξ clamped to
/// [0, 0.45]: an exponential tail or a heavier one, never a finite end point that a new record
/// could pass with probability zero). So the same probability means the same rarity on a quiet
/// stream and on a spiky one. Values beyond `upperBound` count in the top bin but are judged by
/// their own size. Allocates only in `init`; `add` is O(1), `tailProbability` O(`binCount`).
public struct TailEstimator: Sendable {
    public let upperBound: Double
    public let binCount: Int
    public let memorySamples: Int
    public let quantile: Double
    /// Lowest probability reported, so that a score built on its logarithm stays finite.
    public static let smallestProbability = 1e-12
    private var weights: [Double]
    private var total = 0.0
    /// The weight of the next sample; grows by 1/decay per sample instead of decaying every bin.
    private var increment = 1.0
    private let growth: Double
    public private(set) var count = 0

    public init(upperBound: Double, binCount: Int = 640, memorySamples: Int = 5000, quantile: Double = 0.95) {
        precondition(upperBound > 0 && binCount > 1 && memorySamples > 1 && quantile > 0 && quantile < 1)
        self.upperBound = upperBound
        self.binCount = binCount
        self.memorySamples = memorySamples
        self.quantile = quantile
        growth = 1 / (1 - 1 / Double(memorySamples))
        weights = [Double](repeating: 0, count: binCount)
    }

    private var binWidth: Double { upperBound / Double(binCount) }

    private func bin(of x: Double) -> Int { min(max(Int(x / binWidth), 0), binCount - 1) }

    /// Appends the running state to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(count)
        state.append(total)
        state.append(increment)
        state.append(contentsOf: weights)
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        count = try reader.int()
        total = try reader.double()
        increment = try reader.double()
        weights = try reader.doubles(binCount)
    }

    /// Folds in one value (≥ 0; a non-finite one is ignored).
    public mutating func add(_ x: Double) {
        guard x.isFinite else { return }
        count += 1
        weights[bin(of: x)] += increment
        total += increment
        increment *= growth
        if increment > 1e200 {
            for k in 0..<binCount { weights[k] /= increment }
            total /= increment
            increment = 1
        }
    }

    /// P(X ≥ x) read off the histogram alone, as if half a sample at x had been seen too: for a
    /// variable with a few levels (a fitted tail would make a level seen 1 % of the time look
    /// far rarer when most values sit at zero). 1 before any value.
    public func frequency(_ x: Double) -> Double {
        guard total > 0, x.isFinite else { return x.isFinite ? 1 : Self.smallestProbability }
        var beyond = 0.0
        for k in bin(of: x)..<binCount { beyond += weights[k] }
        return min(1, max((beyond + 0.5 * increment) / total, Self.smallestProbability))
    }

    /// P(X ≥ x) for the next value, from the values seen so far; 1 before any.
    public func tailProbability(_ x: Double) -> Double {
        guard total > 0, x.isFinite else { return x.isFinite ? 1 : Self.smallestProbability }
        let tailWeight = (1 - quantile) * total
        // The quantile's bin: the lowest bin whose weight and everything above it reach the tail.
        var above = 0.0
        var u = binCount - 1
        while u > 0, above + weights[u] < tailWeight {
            above += weights[u]
            u -= 1
        }
        // The tail starts at the lower edge of the quantile's bin, so it always holds some weight.
        let threshold = Double(u) * binWidth
        guard x > threshold + binWidth else {
            var beyond = 0.0
            for k in bin(of: x)..<binCount { beyond += weights[k] }
            return max(beyond / total, Self.smallestProbability)
        }
        // Moments of the excesses over the threshold, bin centres standing for their values.
        var weight = 0.0, sum = 0.0, squares = 0.0
        for k in u..<binCount where weights[k] > 0 {
            let y = (Double(k - u) + 0.5) * binWidth
            weight += weights[k]
            sum += weights[k] * y
            squares += weights[k] * y * y
        }
        let share = weight / total
        let mean = max(sum / weight, binWidth / 2)
        let variance = max(squares / weight - mean * mean, 1e-12)
        let ratio = mean * mean / variance
        let shape = min(max(0.5 * (1 - ratio), 0), 0.45)
        let scale = 0.5 * mean * (1 + ratio)
        let y = x - threshold
        let survival = shape < 1e-6 ? exp(-y / scale) : pow(1 + shape * y / scale, -1 / shape)
        return max(share * survival, Self.smallestProbability)
    }
}

