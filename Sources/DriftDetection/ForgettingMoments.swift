/// Running mean and variance of a scalar stream that forget old samples at rate 1/τ.
///
/// At the t-th sample (t = 1, 2, …) the weight is α = max(1/t, 1/τ):
///
///     d = x − mean;  mean += α·d;  variance = (1 − α)·(variance + α·d²)
///
/// While t ≤ τ this is Welford's recurrence (mean and population variance of all samples so far);
/// after that a sample's weight decays by (1 − 1/τ) per step, a memory of about τ samples. A nil τ
/// never forgets. Allocates nothing; one thread at a time.
public struct ForgettingMoments: Sendable, Equatable {
    /// τ in samples, or nil for the plain mean and variance of everything seen.
    public let memorySamples: Int?
    public private(set) var count = 0
    public private(set) var mean = 0.0
    public private(set) var variance = 0.0

    public init(memorySamples: Int? = nil) {
        precondition(
            (memorySamples ?? 1) >= 1, "ForgettingMoments needs memorySamples ≥ 1, got \(memorySamples ?? 0)")
        self.memorySamples = memorySamples
    }

    public var standardDeviation: Double { variance.squareRoot() }

    public mutating func add(_ x: Double) {
        count += 1
        let alpha = 1 / Double(min(count, memorySamples ?? Int.max))
        let d = x - mean
        mean += alpha * d
        variance = (1 - alpha) * (variance + alpha * d * d)
    }

    /// Forgets every sample.
    public mutating func reset() {
        count = 0
        mean = 0
        variance = 0
    }
}

extension ForgettingMoments: SavedStateRepresentable {
    public func save(to state: inout SavedState) {
        state.append(count)
        state.append(mean)
        state.append(variance)
    }

    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        let count = try reader.int()
        guard count >= 0 else { throw .badCount(Double(count)) }
        self.count = count
        mean = try reader.double()
        variance = try reader.double()
    }
}
