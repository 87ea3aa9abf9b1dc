/// The shape of a deep forecaster: input projection → K residual recurrent blocks → read-out, plus a skip.
///
/// One block is x ← x + M GELU(LRU(x)) + m (`ResidualRecurrentBlock`), or with additive coupling
/// the same update on one half of x from the other half. K = 1 here is a new
/// network, not today's `Forecaster`: that one stays the single-layer model (and its checkpoint
/// names), and an owner picks this type only when it asks for blocks.
public struct DeepForecasterConfiguration: Sendable, Equatable {
    public var inputCount: Int
    /// W, the width of the residual stream that every block reads and adds to.
    public var width: Int
    /// K, the number of blocks (with additive coupling, each is a pair of half-updates).
    public var blockCount: Int
    /// N, the number of complex recurrent units in each block.
    public var stateCount: Int
    /// H, the width of each block's LRU output (the GELU's width) before the dense map back to W.
    public var hiddenCount: Int
    public var outputCount: Int
    /// Credit through time inside each block.
    public var gradientMode: RecurrentGradientMode
    /// Credit through depth.
    public var scheme: DepthScheme
    /// Threads that run a step's blocks under `pipelined` (the calling thread is one of them):
    /// contiguous groups of blocks, one group per thread, with the same results bit for bit as one
    /// thread. Other schemes run on the calling thread only.
    public var threadCount: Int
    /// The blocks this model computes under `pipelined`, when the network is split across several
    /// learners that pass the boundary messages between them (`DeepForecaster.pipelineBoundary`);
    /// nil: every block. The first block's owner also runs the input projection, the last block's the
    /// read-out, the skip and the loss.
    public var stageBlocks: Range<Int>?
    /// What each block reads and updates; `reversible` needs `additive`.
    public var coupling: BlockCoupling
    /// Treats every block's state as a constant of the step, as PyTorch does with `h.detach()`:
    /// λ and B then get no gradient (traces and costate are cleared every step). For checking the
    /// scheme's depth path against autograd; learning needs it off.
    public var detachesState: Bool
    /// Initial |λ| is drawn uniformly in this range (LRU's ring initialisation), in every block.
    public var minimumRadius: Double
    public var maximumRadius: Double
    /// Initial arg λ is drawn uniformly in [0, maximumPhase].
    public var maximumPhase: Double

    public init(
        inputCount: Int, width: Int = 32, blockCount: Int = 2, stateCount: Int = 32, hiddenCount: Int? = nil,
        outputCount: Int? = nil, gradientMode: RecurrentGradientMode = .traces, scheme: DepthScheme = .instant,
        coupling: BlockCoupling = .residual, detachesState: Bool = false, minimumRadius: Double = 0.5, maximumRadius: Double = 0.99,
        maximumPhase: Double = Double.pi / 4, threadCount: Int = 1, stageBlocks: Range<Int>? = nil
    ) {
        self.threadCount = threadCount
        self.stageBlocks = stageBlocks
        self.inputCount = inputCount
        self.width = width
        self.blockCount = blockCount
        self.stateCount = stateCount
        self.hiddenCount = hiddenCount ?? width
        self.outputCount = outputCount ?? inputCount
        self.gradientMode = gradientMode
        self.scheme = scheme
        self.coupling = coupling
        self.detachesState = detachesState
        self.minimumRadius = minimumRadius
        self.maximumRadius = maximumRadius
        self.maximumPhase = maximumPhase
    }

    /// Every setting that is out of range, as messages naming the setting; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        for (name, value) in [
            ("the input size", inputCount), ("the width", width), ("the block count", blockCount),
            ("the state size", stateCount), ("the hidden size", hiddenCount), ("the output size", outputCount),
        ] where value < 1 {
            found.append("\(name) must be at least 1, got \(value)")
        }
        if scheme == .reversible && coupling != .additive {
            found.append("the reversible scheme needs invertible blocks: coupling must be additive, got \(coupling.rawValue)")
        }
        if scheme == .pipelined && coupling != .residual {
            found.append("the pipelined scheme passes whole blocks' outputs: coupling must be residual, got \(coupling.rawValue)")
        }
        let localCount = stageBlocks?.count ?? blockCount
        if threadCount < 1 || (threadCount > 1 && (scheme != .pipelined || threadCount > localCount)) {
            found.append("the thread count must be 1, or at most the block count under the pipelined scheme, got \(threadCount)")
        }
        if let stageBlocks, scheme != .pipelined || stageBlocks.isEmpty || stageBlocks.lowerBound < 0 || stageBlocks.upperBound > blockCount {
            found.append("a stage's blocks must be a non-empty part of 0..<\(blockCount) under the pipelined scheme, got \(stageBlocks)")
        }
        if coupling == .additive && width < 2 {
            found.append("additive coupling cuts the stream in two halves: the width must be at least 2, got \(width)")
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
extension DeepForecasterConfiguration: Codable {}
#endif
