import RealModule
import SeededRandom

/// A model trained by a classical optimiser on ∂L/∂θ: the peer that the Hamiltonian
/// learner is checked and benchmarked against. Not for the agent.
///
/// Gradients come from the model's own backward pass with φ = 1 (backprop for an MLP,
/// exact traces for a forecaster), or from truncated BPTT over a window for a forecaster.
public final class ReferenceLearner<Model: LearnableModel, Optimizer: ReferenceOptimizer>: OnlineLearner
where Optimizer.Scalar == Model.Scalar {
    public typealias Scalar = Model.Scalar

    public let model: Model
    public var optimizer: Optimizer
    public let loss: LossFunction
    public let parameters: ScalarBuffer<Scalar>
    public let prediction: ScalarBuffer<Scalar>
    public var stepCount: Int64 { completedSteps }
    @usableFromInline var completedSteps: Int64 = 0
    /// ∂L/∂θ of the last `learn`.
    public let gradient: ScalarBuffer<Scalar>
    @usableFromInline let outputGradient: ScalarBuffer<Scalar>
    @usableFromInline let truncation: TruncatedBackpropagation<Scalar>?

    /// `bpttWindow` (forecasters only) switches the recurrent gradient to truncated BPTT.
    public init(model: Model, optimizer: Optimizer, loss: LossFunction = .meanSquaredError, seed: UInt64 = 0, bpttWindow: Int? = nil) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        parameters = ScalarBuffer(count: model.layout.count)
        gradient = ScalarBuffer(count: model.layout.count)
        prediction = ScalarBuffer(count: model.outputCount)
        outputGradient = ScalarBuffer(count: model.outputCount)
        if let bpttWindow {
            guard let forecaster = model as? Forecaster<Scalar> else {
                preconditionFailure("truncated BPTT needs a forecaster")
            }
            truncation = TruncatedBackpropagation(layer: forecaster.recurrent, window: bpttWindow)
        } else {
            truncation = nil
        }
        var generator = SeededGenerator(seed: seed)
        model.initialize(parameters: parameters.pointer, generator: &generator)
        model.parametersDidChange(parameters.pointer)
    }

    public var inputCount: Int { model.inputCount }
    public var outputCount: Int { model.outputCount }

    public func setParameters(_ values: [Scalar]) {
        parameters.assign(values)
        model.parametersDidChange(parameters.pointer)
    }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>) {
        truncation?.capture(input: input)
        model.forward(input: input, parameters: parameters.pointer, output: prediction.pointer)
    }

    /// Computes ∂L/∂θ into `gradient` and advances the state, without changing θ.
    @inlinable
    public func computeGradient(target: UnsafePointer<Scalar>?) -> Scalar {
        var value = Scalar.nan
        if let target {
            value = loss.evaluate(
                prediction: prediction.pointer, target: target, count: outputCount,
                gradientScale: 1, gradient: outputGradient.pointer)
        } else {
            outputGradient.zero()
        }
        model.backward(
            parameters: parameters.pointer, outputGradient: outputGradient.pointer, gradient: gradient.pointer,
            step: EulerStep(tau: 1, eta: 0))
        truncation?.overwriteGradient(into: gradient.pointer)
        return value
    }

    @inlinable @discardableResult
    public func learn(target: UnsafePointer<Scalar>?) -> Scalar {
        let value = computeGradient(target: target)
        if target != nil {
            optimizer.update(parameters: parameters.pointer, gradient: gradient.pointer, count: parameters.count)
            model.parametersDidChange(parameters.pointer)
        }
        completedSteps += 1
        return value
    }
}
