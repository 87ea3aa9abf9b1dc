import RealModule
import SeededRandom

/// Hamiltonian Learning on a model: one explicit Euler step of (E1)–(E4) per sample,
/// costates started at zero and integrated forward (design note §2).
///
/// Memory is fixed at construction (θ, ω and the model's own buffers); each gradient entry is
/// integrated as the backward pass produces it, so no gradient vector is stored;
/// `forward` and `learn` allocate nothing. Not thread-safe: one thread drives it.
public final class HamiltonianLearner<Model: LearnableModel>: OnlineLearner {
    public typealias Scalar = Model.Scalar

    public let model: Model
    public let loss: LossFunction
    /// θ, every weight of the model in its layout.
    public let parameters: ScalarBuffer<Scalar>
    /// ω, the costate of every weight.
    public let parameterCostate: ScalarBuffer<Scalar>
    public let prediction: ScalarBuffer<Scalar>
    public var stepCount: Int64 { completedSteps }
    @usableFromInline var completedSteps: Int64 = 0
    /// Steps whose loss was NaN or infinite: they taught nothing and reset the state and ω.
    public var nonFiniteLosses: Int64 { skippedSteps }
    @usableFromInline var skippedSteps: Int64 = 0
    @usableFromInline let outputGradient: ScalarBuffer<Scalar>
    @usableFromInline var tau: Scalar = 1
    @usableFromInline var beta: Scalar = 0
    @usableFromInline var eta: Scalar = 0
    @usableFromInline var clip: Scalar = .infinity

    /// Changes take effect at the next `learn`; invalid settings are a programmer error (check `problems`).
    public var configuration: HamiltonianConfiguration {
        didSet { applyConfiguration() }
    }

    public init(model: Model, configuration: HamiltonianConfiguration, loss: LossFunction = .meanSquaredError, seed: UInt64 = 0) {
        self.model = model
        self.configuration = configuration
        self.loss = loss
        parameters = ScalarBuffer(count: model.layout.count)
        parameterCostate = ScalarBuffer(count: model.layout.count)
        prediction = ScalarBuffer(count: model.outputCount)
        outputGradient = ScalarBuffer(count: model.outputCount)
        var generator = SeededGenerator(seed: seed)
        model.initialize(parameters: parameters.pointer, generator: &generator)
        model.parametersDidChange(parameters.pointer)
        applyConfiguration()
    }

    private func applyConfiguration() {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        tau = Scalar(configuration.tau)
        beta = Scalar(configuration.beta)
        eta = Scalar(configuration.eta)
        clip = configuration.gradientClip.map { Scalar($0) } ?? .infinity
    }

    public var inputCount: Int { model.inputCount }
    public var outputCount: Int { model.outputCount }

    /// Replaces θ (e.g. from a checkpoint) and re-derives what the model caches from it.
    public func setParameters(_ values: [Scalar]) {
        parameters.assign(values)
        model.parametersDidChange(parameters.pointer)
    }

    /// Sets the step counter, for a run resumed from a checkpoint (φ schedules depend on it).
    public func resume(atStep step: Int64) {
        completedSteps = step
        model.resume(atStep: step)
    }

    /// Starts learning afresh: new weights drawn with `seed`, zero costates and state. The step
    /// counter goes on, so that step numbers stay unique over a run.
    public func reinitialize(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        model.initialize(parameters: parameters.pointer, generator: &generator)
        model.parametersDidChange(parameters.pointer)
        parameterCostate.zero()
        model.resetState()
        model.resetStateCostate()
    }

    /// Zeroes both costates (ω and z) but keeps the weights and the state.
    public func resetCostates() {
        parameterCostate.zero()
        model.resetStateCostate()
    }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>) {
        model.forward(input: input, parameters: parameters.pointer, output: prediction.pointer)
    }

    @inlinable @discardableResult
    public func learn(target: UnsafePointer<Scalar>?) -> Scalar {
        let phi = Scalar(configuration.phi.value(atStep: completedSteps))
        var value = Scalar.nan
        if let target {
            value = loss.evaluate(
                prediction: prediction.pointer, target: target, count: outputCount,
                gradientScale: phi, gradient: outputGradient.pointer)
            if !value.isFinite {
                // A non-finite loss would poison every weight through ω. Keep θ, forget the
                // runaway state and momentum so the learner can recover, and count it.
                skippedSteps += 1
                outputGradient.zero()
                model.resetState()
                parameterCostate.zero()
            }
        } else {
            outputGradient.zero()
        }
        if configuration.resetsWeightCostateEachStep { parameterCostate.zero() }
        let interval = configuration.stateCostateResetInterval
        if interval > 0, completedSteps > 0, completedSteps % Int64(interval) == 0 { model.resetStateCostate() }
        let step = EulerStep(tau: tau, eta: eta)
        let sink = WeightIntegrator(
            parameters: parameters.pointer, costate: parameterCostate.pointer, tau: tau, beta: beta, eta: eta, clip: clip,
            ordering: configuration.ordering)
        model.backward(parameters: parameters.pointer, outputGradient: outputGradient.pointer, sink: sink, step: step)
        model.parametersDidChange(parameters.pointer)
        completedSteps += 1
        return value
    }
}
