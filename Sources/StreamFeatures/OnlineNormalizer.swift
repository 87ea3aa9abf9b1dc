/// Per-component standardisation by an exponentially forgetting mean and variance.
///
/// Each call first folds the vector x into the statistics, then writes (x − mean) / sqrt(var + ε);
/// a non-finite component is left out of the statistics and written as 0.
/// At the t-th vector (t = 1, 2, …) the forgetting weight is α = max(1/t, 1/τ):
///
///     δ = x − mean;  mean += α·δ;  var = (1 − α)·(var + α·δ²)
///
/// Warm-up: while t ≤ τ this is Welford's recurrence, so mean and var are exactly the sample mean
/// and population variance of all vectors so far (the first output is all zeros); after that a
/// vector's weight decays by a factor (1 − 1/τ) per step, a memory of about τ vectors.
/// Statistics are kept in Double; output in Float (error below 1e-6 relative). Allocates nothing
/// after construction; one thread at a time.
public final class OnlineNormalizer {
    public let count: Int
    /// τ, in vectors.
    public let timeConstant: Int
    public let epsilon: Float
    /// How many vectors have been folded in since construction or `reset()`.
    public private(set) var observed: Int = 0
    private let mean: UnsafeMutablePointer<Double>
    private let variance: UnsafeMutablePointer<Double>

    public init(count: Int, timeConstant: Int, epsilon: Float = 1e-5) {
        precondition(count >= 1, "OnlineNormalizer needs count ≥ 1, got \(count)")
        precondition(timeConstant >= 1, "OnlineNormalizer needs timeConstant ≥ 1, got \(timeConstant)")
        precondition(epsilon > 0, "OnlineNormalizer needs epsilon > 0, got \(epsilon)")
        self.count = count
        self.timeConstant = timeConstant
        self.epsilon = epsilon
        mean = .allocate(capacity: count)
        variance = .allocate(capacity: count)
        mean.initialize(repeating: 0, count: count)
        variance.initialize(repeating: 0, count: count)
    }

    deinit {
        mean.deallocate()
        variance.deallocate()
    }

    /// Forgets all statistics; the next vector starts a new warm-up.
    public func reset() {
        observed = 0
        mean.update(repeating: 0, count: count)
        variance.update(repeating: 0, count: count)
    }

    /// Folds `values` (count Floats) into the statistics and overwrites them with their standardised form.
    public func normalize(_ values: UnsafeMutablePointer<Float>) {
        observed += 1
        let alpha = 1 / Double(min(observed, timeConstant))
        let eps = Double(epsilon)
        for i in 0..<count {
            let x = Double(values[i])
            // A non-finite component (an overflowing sample's log power) would stay in the mean and
            // variance for good, and every later frame with it: it reads as the mean and teaches nothing.
            guard x.isFinite else {
                values[i] = 0
                continue
            }
            let delta = x - mean[i]
            mean[i] += alpha * delta
            variance[i] = (1 - alpha) * (variance[i] + alpha * delta * delta)
            values[i] = Float((x - mean[i]) / (variance[i] + eps).squareRoot())
        }
    }

    /// The current mean of component `i`.
    public func mean(_ i: Int) -> Double { mean[i] }
    /// The current variance of component `i`.
    public func variance(_ i: Int) -> Double { variance[i] }
}
