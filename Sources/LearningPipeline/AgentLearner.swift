import HamiltonianLearning
import RealModule
import SafeTensors

/// The agent's learner: a Float Hamiltonian learner over the model chosen at run time.
///
/// A closed set of concrete types rather than a generic parameter, so that the hot calls are
/// specialised here (the learner's kernels are `@inlinable`) and callers need no generics.
public enum AgentLearner {
    case forecaster(HamiltonianLearner<Forecaster<Float>>)
    case mlp(HamiltonianLearner<MultilayerPerceptron<Float>>)
    case deep(HamiltonianLearner<DeepForecaster<Float>>)

    public init(model: ModelConfiguration, hamiltonian: HamiltonianConfiguration, loss: LossFunction, seed: UInt64) {
        switch model {
        case .forecaster(let c):
            self = .forecaster(HamiltonianLearner(model: Forecaster(c), configuration: hamiltonian, loss: loss, seed: seed))
        case .mlp(let c):
            self = .mlp(HamiltonianLearner(model: MultilayerPerceptron(c), configuration: hamiltonian, loss: loss, seed: seed))
        case .deep(let c):
            self = .deep(HamiltonianLearner(model: DeepForecaster(c), configuration: hamiltonian, loss: loss, seed: seed))
        }
    }

    public var inputCount: Int {
        switch self {
        case .forecaster(let l): return l.inputCount
        case .mlp(let l): return l.inputCount
        case .deep(let l): return l.inputCount
        }
    }

    public var outputCount: Int {
        switch self {
        case .forecaster(let l): return l.outputCount
        case .mlp(let l): return l.outputCount
        case .deep(let l): return l.outputCount
        }
    }

    public var prediction: ScalarBuffer<Float> {
        switch self {
        case .forecaster(let l): return l.prediction
        case .mlp(let l): return l.prediction
        case .deep(let l): return l.prediction
        }
    }

    public var loss: LossFunction {
        switch self {
        case .forecaster(let l): return l.loss
        case .mlp(let l): return l.loss
        case .deep(let l): return l.loss
        }
    }

    public var stepCount: Int64 {
        switch self {
        case .forecaster(let l): return l.stepCount
        case .mlp(let l): return l.stepCount
        case .deep(let l): return l.stepCount
        }
    }

    public var nonFiniteLosses: Int64 {
        switch self {
        case .forecaster(let l): return l.nonFiniteLosses
        case .mlp(let l): return l.nonFiniteLosses
        case .deep(let l): return l.nonFiniteLosses
        }
    }

    /// The integrator's settings; a change applies from the next step.
    public var configuration: HamiltonianConfiguration {
        get {
            switch self {
            case .forecaster(let l): return l.configuration
            case .mlp(let l): return l.configuration
            case .deep(let l): return l.configuration
            }
        }
        nonmutating set {
            switch self {
            case .forecaster(let l): l.configuration = newValue
            case .mlp(let l): l.configuration = newValue
            case .deep(let l): l.configuration = newValue
            }
        }
    }

    /// Zeroes ω and z, keeping weights and state.
    public func resetCostates() {
        switch self {
        case .forecaster(let l): l.resetCostates()
        case .mlp(let l): l.resetCostates()
        case .deep(let l): l.resetCostates()
        }
    }

    /// New weights from `seed`, zero costates and state; the step count goes on.
    public func reinitialize(seed: UInt64) {
        switch self {
        case .forecaster(let l): l.reinitialize(seed: seed)
        case .mlp(let l): l.reinitialize(seed: seed)
        case .deep(let l): l.reinitialize(seed: seed)
        }
    }

    /// θ, a copy.
    public var parameters: [Float] {
        switch self {
        case .forecaster(let l): return l.parameters.array
        case .mlp(let l): return l.parameters.array
        case .deep(let l): return l.parameters.array
        }
    }

    /// A learner for `model` (same parameter layout, e.g. another gradient mode) that carries on
    /// from this one's weights and step count, with zero costates and state: the recurrent
    /// gradient's memory (traces or z) of one mode means nothing to the other.
    public func rebuilt(model: ModelConfiguration, loss: LossFunction) -> AgentLearner {
        let next = AgentLearner(model: model, hamiltonian: configuration, loss: loss, seed: 0)
        let weights = parameters
        switch next {
        case .forecaster(let l):
            precondition(l.parameters.count == weights.count, "rebuilt: the parameter layout changed")
            l.setParameters(weights)
            l.resume(atStep: stepCount)
        case .mlp(let l):
            precondition(l.parameters.count == weights.count, "rebuilt: the parameter layout changed")
            l.setParameters(weights)
            l.resume(atStep: stepCount)
        case .deep(let l):
            precondition(l.parameters.count == weights.count, "rebuilt: the parameter layout changed")
            l.setParameters(weights)
            l.resume(atStep: stepCount)
        }
        return next
    }

    public func forward(input: UnsafePointer<Float>) {
        switch self {
        case .forecaster(let l): l.forward(input: input)
        case .mlp(let l): l.forward(input: input)
        case .deep(let l): l.forward(input: input)
        }
    }

    @discardableResult
    public func learn(target: UnsafePointer<Float>?) -> Float {
        switch self {
        case .forecaster(let l): return l.learn(target: target)
        case .mlp(let l): return l.learn(target: target)
        case .deep(let l): return l.learn(target: target)
        }
    }

    public func checkpoint(model: ModelConfiguration, pendingInput: [Float]?) -> SafeTensorsFile {
        switch self {
        case .forecaster(let l): return LearnerCheckpoint.file(of: l, model: model, pendingInput: pendingInput)
        case .mlp(let l): return LearnerCheckpoint.file(of: l, model: model, pendingInput: pendingInput)
        case .deep(let l): return LearnerCheckpoint.file(of: l, model: model, pendingInput: pendingInput)
        }
    }

    /// Loads a checkpoint made for the same model; returns its pending input, if any.
    public func restore(_ file: SafeTensorsFile) throws(CheckpointError) -> [Float]? {
        switch self {
        case .forecaster(let l): return try LearnerCheckpoint.restore(file, into: l)
        case .mlp(let l): return try LearnerCheckpoint.restore(file, into: l)
        case .deep(let l): return try LearnerCheckpoint.restore(file, into: l)
        }
    }
}
