import RealModule
import SeededRandom

/// y = σ(W x + b), with W stored row-major [outputCount, inputCount] in the flat parameter buffer.
public struct DenseLayer: Sendable, Equatable {
    public let inputCount: Int
    public let outputCount: Int
    public let activation: Activation
    public let weightOffset: Int
    public let biasOffset: Int

    /// Registers W and b under `name` in the layout.
    public init(name: String, inputCount: Int, outputCount: Int, activation: Activation, layout: inout ParameterLayout) {
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.activation = activation
        weightOffset = layout.add("\(name).weight", shape: [outputCount, inputCount])
        biasOffset = layout.add("\(name).bias", shape: [outputCount])
    }

    /// Writes the pre-activation and the output. Allocation-free.
    @inlinable
    public func forward<T: Real & BinaryFloatingPoint>(
        input x: UnsafePointer<T>, parameters: UnsafePointer<T>,
        preactivation a: UnsafeMutablePointer<T>, output y: UnsafeMutablePointer<T>
    ) {
        a.update(from: parameters + biasOffset, count: outputCount)
        DenseKernels.multiply(parameters + weightOffset, rows: outputCount, columns: inputCount, x, into: a, accumulate: true)
        for i in 0..<outputCount { y[i] = activation.apply(a[i]) }
    }

    /// Turns ∂/∂y into ∂/∂a in place, writes ∂/∂x if asked (reading W first), then delivers
    /// ∂/∂W and ∂/∂b to `sink`. Allocation-free.
    @inlinable
    public func backward<S: GradientSink>(
        input x: UnsafePointer<S.Scalar>, parameters: UnsafePointer<S.Scalar>,
        preactivation a: UnsafePointer<S.Scalar>, output y: UnsafePointer<S.Scalar>,
        outputGradient gy: UnsafeMutablePointer<S.Scalar>, sink: S,
        inputGradient gx: UnsafeMutablePointer<S.Scalar>?
    ) where S.Scalar: Real {
        if activation != .identity {
            for i in 0..<outputCount { gy[i] *= activation.derivative(preactivation: a[i], output: y[i]) }
        }
        if let gx {
            DenseKernels.transposedProductThenOuter(
                parameters + weightOffset, rows: outputCount, columns: inputCount, gy, into: gx, outerWith: x, sink: sink,
                at: weightOffset)
        } else {
            DenseKernels.outer(gy, x, rows: outputCount, columns: inputCount, into: sink, at: weightOffset)
        }
        DenseKernels.deliver(gy, count: outputCount, into: sink, at: biasOffset)
    }

    /// Kaiming-uniform weights and biases, as PyTorch's `nn.Linear` default.
    public func initialize(parameters: UnsafeMutablePointer<some BinaryFloatingPoint>, generator: inout SeededGenerator) {
        let bound = 1 / Double(inputCount).squareRoot()
        for i in 0..<(outputCount * inputCount) {
            parameters[weightOffset + i] = .init((2 * generator.nextUnit() - 1) * bound)
        }
        for i in 0..<outputCount {
            parameters[biasOffset + i] = .init((2 * generator.nextUnit() - 1) * bound)
        }
    }
}
