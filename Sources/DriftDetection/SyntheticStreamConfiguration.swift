/// A seeded Gaussian stream made of stationary segments separated by known changes.
public struct SyntheticStreamConfiguration: Sendable, Equatable {
    public var seed: UInt64
    /// Mean of the first segment.
    public var mean: Double
    /// Standard deviation σ of the first segment; mean shifts and amplitudes are in units of it.
    public var standardDeviation: Double
    /// Samples before the first change.
    public var initialSamples: Int
    /// Samples from each change to the next (and after the last).
    public var segmentSamples: Int
    /// Applied in order, cumulatively: change i happens at initialSamples + i·segmentSamples.
    public var changes: [StreamChange]

    public init(
        seed: UInt64, mean: Double = 0, standardDeviation: Double = 1, initialSamples: Int = 5000,
        segmentSamples: Int = 5000, changes: [StreamChange] = Self.allKinds
    ) {
        self.seed = seed
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.initialSamples = initialSamples
        self.segmentSamples = segmentSamples
        self.changes = changes
    }

    /// One of each kind, each large enough for a detector tuned to one σ: a +1σ step, a ramp of
    /// +2σ over 1000 samples, σ doubled, then a period-100 sine of amplitude 2σ.
    public static let allKinds: [StreamChange] = [
        .meanShift(by: 1), .meanRamp(by: 2, overSamples: 1000), .varianceScale(factor: 2),
        .periodic(amplitude: 2, periodSamples: 100),
    ]

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if !(standardDeviation.isFinite && standardDeviation >= 0) {
            found.append("standardDeviation must be a number ≥ 0, got \(standardDeviation)")
        }
        if initialSamples < 0 { found.append("initialSamples must be at least 0, got \(initialSamples)") }
        if segmentSamples < 1 { found.append("segmentSamples must be at least 1, got \(segmentSamples)") }
        for change in changes {
            switch change {
            case .meanRamp(_, let samples) where samples < 1:
                found.append("a meanRamp must last at least 1 sample, got \(samples)")
            case .varianceScale(let factor) where !(factor.isFinite && factor >= 0):
                found.append("a varianceScale factor must be a number ≥ 0, got \(factor)")
            case .periodic(_, let period) where !(period > 0):
                found.append("a periodic change needs periodSamples > 0, got \(period)")
            default:
                break
            }
        }
        return found
    }
}
