import RealModule

/// The shape of a feed-forward network: input → hidden layers (shared activation) → linear output.
public struct MLPConfiguration: Sendable, Equatable {
    public var inputCount: Int
    public var hiddenCounts: [Int]
    public var outputCount: Int
    public var activation: Activation

    public init(inputCount: Int, hiddenCounts: [Int], outputCount: Int, activation: Activation = .tanh) {
        (self.inputCount, self.hiddenCounts, self.outputCount) = (inputCount, hiddenCounts, outputCount)
        self.activation = activation
    }

    public var problems: [String] {
        var found: [String] = []
        if inputCount < 1 { found.append("the input size must be at least 1, got \(inputCount)") }
        if outputCount < 1 { found.append("the output size must be at least 1, got \(outputCount)") }
        if hiddenCounts.contains(where: { $0 < 1 }) { found.append("every hidden size must be at least 1, got \(hiddenCounts)") }
        return found
    }
}

/// A feed-forward network used as the Hamiltonian output net (h ≡ 0), as in the paper's Iris runs.
public final class MultilayerPerceptron<Scalar: Real & BinaryFloatingPoint>: LearnableModel {
    public let configuration: MLPConfiguration
    public let layout: ParameterLayout
    public let layers: [DenseLayer]
    @usableFromInline let inputCopy: ScalarBuffer<Scalar>
    @usableFromInline let preactivations: [ScalarBuffer<Scalar>]
    @usableFromInline let outputs: [ScalarBuffer<Scalar>]
    @usableFromInline let gradientScratch: [ScalarBuffer<Scalar>]

    public init(_ configuration: MLPConfiguration) {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        self.configuration = configuration
        var layout = ParameterLayout()
        let sizes = [configuration.inputCount] + configuration.hiddenCounts + [configuration.outputCount]
        layers = (0..<(sizes.count - 1)).map { l in
            DenseLayer(
                name: "layer\(l)", inputCount: sizes[l], outputCount: sizes[l + 1],
                activation: l == sizes.count - 2 ? .identity : configuration.activation, layout: &layout)
        }
        self.layout = layout
        inputCopy = ScalarBuffer(count: configuration.inputCount)
        preactivations = layers.map { ScalarBuffer(count: $0.outputCount) }
        outputs = layers.map { ScalarBuffer(count: $0.outputCount) }
        gradientScratch = layers.map { ScalarBuffer(count: $0.inputCount) }
    }

    public var inputCount: Int { configuration.inputCount }
    public var outputCount: Int { configuration.outputCount }
    public var stateBuffers: [StateBuffer<Scalar>] { [] }
    public func resetStateCostate() {}
    public func resetState() {}
    public func parametersDidChange(_ parameters: UnsafeMutablePointer<Scalar>) {}

    public func initialize(parameters: UnsafeMutablePointer<Scalar>, generator: inout SeededGenerator) {
        for layer in layers { layer.initialize(parameters: parameters, generator: &generator) }
    }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>, parameters: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>) {
        inputCopy.pointer.update(from: input, count: inputCount)
        var x = UnsafePointer(inputCopy.pointer)
        for l in layers.indices {
            layers[l].forward(input: x, parameters: parameters, preactivation: preactivations[l].pointer, output: outputs[l].pointer)
            x = UnsafePointer(outputs[l].pointer)
        }
        output.update(from: x, count: outputCount)
    }

    @inlinable
    public func backward<Sink: GradientSink>(
        parameters: UnsafePointer<Scalar>, outputGradient: UnsafeMutablePointer<Scalar>, sink: Sink,
        step: EulerStep<Scalar>
    ) where Sink.Scalar == Scalar {
        var gy = outputGradient
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let x = l == 0 ? UnsafePointer(inputCopy.pointer) : UnsafePointer(outputs[l - 1].pointer)
            let gx: UnsafeMutablePointer<Scalar>? = l == 0 ? nil : gradientScratch[l].pointer
            layers[l].backward(
                input: x, parameters: parameters, preactivation: preactivations[l].pointer, output: outputs[l].pointer,
                outputGradient: gy, sink: sink, inputGradient: gx)
            if let gx { gy = gx }
        }
    }
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension MLPConfiguration: Codable {}
#endif
