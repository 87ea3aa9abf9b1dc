/// How the recurrent layer's weights get their gradient without storing past activations.
public enum RecurrentGradientMode: String, Sendable, CaseIterable {
    /// The pure HL forward costate z (design note §4.1): O(N) extra memory.
    case costate
    /// Exact real-time recurrent learning for the diagonal recurrence (§4.2): about 3× the parameters.
    case traces
}

/// The shape of the forecaster: input → diagonal LRU layer → nonlinearity → read-out, plus a skip.
public struct ForecasterConfiguration: Sendable, Equatable {
    public var inputCount: Int
    /// N, the number of complex recurrent units.
    public var stateCount: Int
    /// H, the width of the LRU layer's real output (after its read-out C and skip D).
    public var hiddenCount: Int
    public var outputCount: Int
    public var activation: Activation
    public var gradientMode: RecurrentGradientMode
    /// Initial |λ| is drawn uniformly in this range (LRU's ring initialisation).
    public var minimumRadius: Double
    public var maximumRadius: Double
    /// Initial arg λ is drawn uniformly in [0, maximumPhase].
    public var maximumPhase: Double

    public init(
        inputCount: Int, stateCount: Int = 128, hiddenCount: Int? = nil, outputCount: Int? = nil,
        activation: Activation = .gelu, gradientMode: RecurrentGradientMode = .traces,
        minimumRadius: Double = 0.5, maximumRadius: Double = 0.99, maximumPhase: Double = Double.pi / 4
    ) {
        self.inputCount = inputCount
        self.stateCount = stateCount
        self.hiddenCount = hiddenCount ?? stateCount
        self.outputCount = outputCount ?? inputCount
        self.activation = activation
        self.gradientMode = gradientMode
        self.minimumRadius = minimumRadius
        self.maximumRadius = maximumRadius
        self.maximumPhase = maximumPhase
    }

    public var problems: [String] {
        var found: [String] = []
        for (name, value) in [("input", inputCount), ("state", stateCount), ("hidden", hiddenCount), ("output", outputCount)]
        where value < 1 {
            found.append("the \(name) size must be at least 1, got \(value)")
        }
        if !(0 < minimumRadius && minimumRadius <= maximumRadius && maximumRadius < 1) {
            found.append("initial radii must satisfy 0 < minimum ≤ maximum < 1, got \(minimumRadius)…\(maximumRadius)")
        }
        if !(maximumPhase >= 0 && maximumPhase <= 2 * Double.pi) {
            found.append("the maximum initial phase must lie in [0, 2π], got \(maximumPhase)")
        }
        return found
    }
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension RecurrentGradientMode: Codable {}
extension ForecasterConfiguration: Codable {}
#endif
