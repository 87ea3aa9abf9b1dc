import RealModule

/// y = R x_K + r + S u, with x_0 = P u + p and x_k = x_{k−1} + M_k GELU(LRU_k(x_{k−1})) + m_k:
/// a stack of K residual diagonal-recurrent blocks (issue 14).
///
/// Scheme `instant`: each step's error goes back through every block at once through this
/// step's activations (kept once per block, K + 1 vectors of width W), and each block's λ and B
/// get their credit through time from its own traces or costate. That gradient is exact for the
/// read-out, the skip and the top block; for lower blocks it leaves out the paths through the
/// upper blocks' past states (a block's past inputs count as given), which is what keeps memory
/// independent of the stream's length without storing activations over time.
///
/// S starts as the identity when input and output sizes match, as in `Forecaster`, so an untrained
/// model predicts "no change". This type is separate from `Forecaster`, whose single-layer
/// network and parameter names stay as they are; choose this one when more than the one
/// layer is asked for. Parameter names: `input.*`, `blocks.<k>.recurrent.*`, `blocks.<k>.mix.*`,
/// `readout.*`, `skip.weight`; state names: `blocks.<k>.h_re`, … .
public final class DeepForecaster<Scalar: Real & BinaryFloatingPoint>: LearnableModel {
    public let configuration: DeepForecasterConfiguration
    public let layout: ParameterLayout
    /// P and p: input → W.
    public let inputProjection: DenseLayer
    public let blocks: [ResidualRecurrentBlock<Scalar>]
    /// R and r: W → output.
    public let readout: DenseLayer
    @usableFromInline let skipOffset: Int
    @usableFromInline let inputCopy, readoutPreactivation, streamGradient: ScalarBuffer<Scalar>
    /// x_0 … x_K of the last forward: the residual stream entering and leaving each block.
    @usableFromInline let stream: [ScalarBuffer<Scalar>]

    public init(_ configuration: DeepForecasterConfiguration) {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        self.configuration = configuration
        let width = configuration.width
        var layout = ParameterLayout()
        inputProjection = DenseLayer(
            name: "input", inputCount: configuration.inputCount, outputCount: width, activation: .identity, layout: &layout)
        blocks = (0..<configuration.blockCount).map { k in
            ResidualRecurrentBlock(
                name: "blocks.\(k)", width: width, stateCount: configuration.stateCount, hiddenCount: configuration.hiddenCount,
                gradientMode: configuration.gradientMode, detachesState: configuration.detachesState, layout: &layout)
        }
        readout = DenseLayer(
            name: "readout", inputCount: width, outputCount: configuration.outputCount, activation: .identity, layout: &layout)
        skipOffset = layout.add("skip.weight", shape: [configuration.outputCount, configuration.inputCount])
        self.layout = layout
        inputCopy = ScalarBuffer(count: configuration.inputCount)
        readoutPreactivation = ScalarBuffer(count: configuration.outputCount)
        streamGradient = ScalarBuffer(count: width)
        stream = (0...configuration.blockCount).map { _ in ScalarBuffer(count: width) }
        stateBuffers = blocks.enumerated().flatMap { k, block in
            block.recurrent.stateBuffers.map { StateBuffer(name: "blocks.\(k).\($0.name)", shape: $0.shape, buffer: $0.buffer) }
        }
    }

    public var inputCount: Int { configuration.inputCount }
    public var outputCount: Int { configuration.outputCount }
    public let stateBuffers: [StateBuffer<Scalar>]

    public func resetStateCostate() {
        for k in blocks.indices {
            blocks[k].recurrent.zRe.zero()
            blocks[k].recurrent.zIm.zero()
        }
    }

    @inlinable
    public func resetState() {
        for k in blocks.indices { blocks[k].resetState() }
    }

    public func initialize(parameters p: UnsafeMutablePointer<Scalar>, generator: inout SeededGenerator) {
        inputProjection.initialize(parameters: p, generator: &generator)
        for block in blocks { block.initialize(parameters: p, configuration: configuration, generator: &generator) }
        readout.initialize(parameters: p, generator: &generator)
        let (o, i) = (outputCount, inputCount)
        for r in 0..<o {
            for c in 0..<i { p[skipOffset + r * i + c] = (o == i && r == c) ? 1 : 0 }
        }
        parametersDidChange(p)
    }

    // Loops over `blocks` go by index: `for block in blocks` allocated on every call in a debug build.
    @inlinable
    public func parametersDidChange(_ parameters: UnsafeMutablePointer<Scalar>) {
        for k in blocks.indices { blocks[k].recurrent.parametersDidChange(parameters) }
    }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>) {
        let u = inputCopy.pointer
        u.update(from: input, count: inputCount)
        inputProjection.forward(input: u, parameters: p, preactivation: stream[0].pointer, output: stream[0].pointer)
        for k in blocks.indices {
            blocks[k].forward(input: stream[k].pointer, parameters: p, output: stream[k + 1].pointer)
        }
        readout.forward(
            input: stream[blocks.count].pointer, parameters: p, preactivation: readoutPreactivation.pointer, output: y)
        DenseKernels.multiply(p + skipOffset, rows: outputCount, columns: inputCount, u, into: y, accumulate: true)
    }

    @inlinable
    public func backward<Sink: GradientSink>(
        parameters p: UnsafePointer<Scalar>, outputGradient gy: UnsafeMutablePointer<Scalar>, sink: Sink,
        step: EulerStep<Scalar>
    ) where Sink.Scalar == Scalar {
        switch configuration.scheme {
        case .instant: instantBackward(parameters: p, outputGradient: gy, sink: sink, step: step)
        }
    }

    /// Backpropagation in depth through this step's activations, top block first, so each block's
    /// θ is delivered after its last read.
    @inlinable
    func instantBackward<Sink: GradientSink>(
        parameters p: UnsafePointer<Scalar>, outputGradient gy: UnsafeMutablePointer<Scalar>, sink: Sink,
        step: EulerStep<Scalar>
    ) where Sink.Scalar == Scalar {
        let u = UnsafePointer(inputCopy.pointer)
        let g = streamGradient.pointer
        DenseKernels.outer(gy, u, rows: outputCount, columns: inputCount, into: sink, at: skipOffset)
        readout.backward(
            input: stream[blocks.count].pointer, parameters: p, preactivation: readoutPreactivation.pointer,
            output: readoutPreactivation.pointer, outputGradient: gy, sink: sink, inputGradient: g)
        for k in stride(from: blocks.count - 1, through: 0, by: -1) {
            blocks[k].backward(input: stream[k].pointer, parameters: p, gradient: g, sink: sink, step: step)
        }
        inputProjection.backward(
            input: u, parameters: p, preactivation: stream[0].pointer, output: stream[0].pointer, outputGradient: g,
            sink: sink, inputGradient: nil)
    }
}
