import HamiltonianLearning

/// The learner's live numbers by name, for the fault guard: what a snapshot copies and a scan checks.
extension AgentLearner {
    /// θ, ω and every recurrent state buffer (the same buffers for the learner's whole life).
    var namedBuffers: [(name: String, buffer: ScalarBuffer<Float>)] {
        switch self {
        case .forecaster(let l): return Self.named(l)
        case .mlp(let l): return Self.named(l)
        case .deep(let l): return Self.named(l)
        }
    }

    /// Re-derives what the model caches from θ, after θ was written directly.
    func parametersDidChange() {
        switch self {
        case .forecaster(let l): l.model.parametersDidChange(l.parameters.pointer)
        case .mlp(let l): l.model.parametersDidChange(l.parameters.pointer)
        case .deep(let l): l.model.parametersDidChange(l.parameters.pointer)
        }
    }

    /// Zeroes the recurrent state and its costate, keeping θ and ω.
    func resetState() {
        switch self {
        case .forecaster(let l): l.model.resetState()
        case .mlp(let l): l.model.resetState()
        case .deep(let l): l.model.resetState()
        }
    }

    private static func named<M: LearnableModel>(
        _ learner: HamiltonianLearner<M>
    ) -> [(name: String, buffer: ScalarBuffer<Float>)] where M.Scalar == Float {
        [("weights", learner.parameters), ("weight costates", learner.parameterCostate)]
            + learner.model.stateBuffers.map { ("state \($0.name)", $0.buffer) }
    }
}
