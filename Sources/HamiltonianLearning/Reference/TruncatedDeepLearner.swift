import RealModule
import SeededRandom

/// A deep forecaster trained the way recurrent networks usually are: truncated BPTT over chunks
/// of `window` steps (PyTorch's `loss.backward()` on a chunk, then `h.detach()`) with a classical
/// optimiser, one update per chunk on the chunk's mean loss. The peer of the Hamiltonian schemes
/// in `hamlet-quality`; not for the agent (its memory grows with the window).
///
/// Predictions stay prequential: each is made before its target is seen, with the θ of the last
/// completed chunk.
public final class TruncatedDeepLearner<Scalar: Real & BinaryFloatingPoint, Optimizer: ReferenceOptimizer>: OnlineLearner
where Optimizer.Scalar == Scalar {
    public let model: DeepForecaster<Scalar>
    public let network: UnrolledDeepNetwork<Scalar>
    public var optimizer: Optimizer
    public let loss: LossFunction
    public let parameters, gradient, prediction: ScalarBuffer<Scalar>
    @usableFromInline let outputGradient: ScalarBuffer<Scalar>
    public var stepCount: Int64 { completedSteps }
    @usableFromInline var completedSteps: Int64 = 0

    /// θ starts as `model`'s initialiser draws it from `seed`, as `HamiltonianLearner` does.
    public init(model: DeepForecaster<Scalar>, optimizer: Optimizer, window: Int, loss: LossFunction = .meanSquaredError, seed: UInt64 = 0) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        network = UnrolledDeepNetwork(model: model, capacity: window)
        parameters = ScalarBuffer(count: model.layout.count)
        gradient = ScalarBuffer(count: model.layout.count)
        prediction = ScalarBuffer(count: model.outputCount)
        outputGradient = ScalarBuffer(count: model.outputCount)
        var generator = SeededGenerator(seed: seed)
        model.initialize(parameters: parameters.pointer, generator: &generator)
    }

    public var inputCount: Int { model.inputCount }
    public var outputCount: Int { model.outputCount }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>) {
        network.forward(input: input, parameters: parameters.pointer, output: prediction.pointer)
    }

    @inlinable @discardableResult
    public func learn(target: UnsafePointer<Scalar>?) -> Scalar {
        completedSteps += 1
        var value = Scalar.nan
        if let target {
            value = loss.evaluate(
                prediction: prediction.pointer, target: target, count: outputCount,
                gradientScale: 1 / Scalar(network.capacity), gradient: outputGradient.pointer)
        } else {
            outputGradient.zero()
        }
        network.record(outputGradient: outputGradient.pointer)
        if network.count == network.capacity {
            network.backward(parameters: parameters.pointer, gradient: gradient.pointer)
            optimizer.update(parameters: parameters.pointer, gradient: gradient.pointer, count: parameters.count)
            // The model's own bookkeeping keeps ν and ϕ in their ranges, as under the Hamiltonian schemes.
            model.parametersDidChange(parameters.pointer)
        }
        return value
    }
}
