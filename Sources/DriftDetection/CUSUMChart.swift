/// Page's two-sided tabular CUSUM chart on a reference mean and σ estimated from the stream.
///
/// The first `referenceSamples` samples give μ₀ and σ₀ (no alarm meanwhile); then, with
/// z = (x − μ₀)/σ₀,
///
///     S⁺ = max(0, S⁺ + z − k),   S⁻ = max(0, S⁻ − z − k),   alarm when max(S⁺, S⁻) > h.
///
/// After an alarm both sums restart at 0 and μ₀, σ₀ are estimated afresh from the next
/// `referenceSamples` samples: the changed stream is the new normal, so a persistent shift is not
/// alarmed again and again. Chosen over an EWMA chart because CUSUM is the optimal detector of a step of
/// known size 2k·σ₀ (Lorden; Moustakides), tells its direction, and its statistic falls back to 0
/// on its own. Allocates nothing; one thread at a time.
public struct CUSUMChart: DriftDetector {
    public let configuration: CUSUMConfiguration
    public var name: String { "cusum" }
    public var threshold: Double { configuration.decisionInterval }
    /// max(S⁺, S⁻), in σ₀; 0 while the reference is being estimated.
    public var statistic: Double { max(upperSum, lowerSum) }
    /// S⁺: evidence for an increase, in σ₀.
    public private(set) var upperSum = 0.0
    /// S⁻: evidence for a decrease, in σ₀.
    public private(set) var lowerSum = 0.0
    /// μ₀ and σ₀, or nil while they are being estimated.
    public private(set) var reference: (mean: Double, standardDeviation: Double)?
    private var estimate = ForgettingMoments()
    private var alarmed = false

    public init(_ configuration: CUSUMConfiguration = CUSUMConfiguration()) {
        precondition(configuration.problems.isEmpty, "CUSUMChart: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
    }

    /// Forgets the reference and both sums; the next samples estimate a new reference.
    public mutating func reset() {
        upperSum = 0
        lowerSum = 0
        reference = nil
        estimate.reset()
        alarmed = false
    }

    public mutating func update(_ x: Double) -> DriftSignal? {
        if alarmed { reset() }
        guard let (mean, sigma) = reference else {
            estimate.add(x)
            if estimate.count == configuration.referenceSamples {
                reference = (estimate.mean, max(estimate.standardDeviation, configuration.minimumStandardDeviation))
            }
            return nil
        }
        let z = (x - mean) / sigma
        upperSum = max(0, upperSum + z - configuration.allowance)
        lowerSum = max(0, lowerSum - z - configuration.allowance)
        guard statistic > configuration.decisionInterval else { return nil }
        alarmed = true
        return DriftSignal(
            kind: upperSum >= lowerSum ? .increase : .decrease, statistic: statistic,
            threshold: configuration.decisionInterval)
    }
}

extension CUSUMChart: SavedStateRepresentable {
    public func save(to state: inout SavedState) {
        state.append(upperSum)
        state.append(lowerSum)
        state.append(reference != nil)
        state.append(reference?.mean ?? 0)
        state.append(reference?.standardDeviation ?? 0)
        estimate.save(to: &state)
        state.append(alarmed)
    }

    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        upperSum = try reader.double()
        lowerSum = try reader.double()
        let hasReference = try reader.bool()
        let mean = try reader.double()
        let standardDeviation = try reader.double()
        reference = hasReference ? (mean, standardDeviation) : nil
        try estimate.load(from: &reader)
        alarmed = try reader.bool()
        // A reference still being estimated past its sample count would never be set.
        if reference == nil && estimate.count >= configuration.referenceSamples {
            throw .otherSettings("CUSUM reference of \(estimate.count) samples, now \(configuration.referenceSamples)")
        }
    }
}
