import RealModule

/// y = R x_K + r + S u, with x_0 = P u + p and x_k = x_{k−1} + F_k(x_{k−1}) through K residual
/// diagonal-recurrent blocks, F_k = M_k GELU(LRU_k(·)) + m_k (issue 14).
///
/// Scheme `instant`: each step's error goes back through every block at once through this
/// step's activations (kept for every block), and each block's λ and B get their credit through
/// time from its own traces or costate. That gradient is exact for the read-out, the skip and the
/// top unit (`blocks.last`); below it, it leaves out the paths through the upper units' past
/// states (a unit's past inputs count as given), which is what keeps memory independent of the
/// stream's length without storing activations over time. Scheme `reversible` gives the same gradients
/// (up to round-off) with additive-coupling blocks, rebuilding each block's input from its output
/// during the backward sweep instead of keeping it: the sweep's memory does not grow with K.
/// Scheme `pipelined` delays both directions by one block per step, so that a step's blocks depend
/// only on their neighbours' previous messages and can run on several threads (`PipelinedDepth`;
/// what it does to the prediction and the targets is told at `DepthScheme.pipelined`).
///
/// S starts as the identity when input and output sizes match, as in `Forecaster`, so an untrained
/// model predicts "no change". This type is separate from `Forecaster`, whose single-layer
/// network and parameter names stay as they are; choose this one when more than the one
/// layer is asked for. Parameter names: `input.*`, `blocks.<k>.recurrent.*`, `blocks.<k>.mix.*`
/// (`blocks.<k>.first.…` and `blocks.<k>.second.…` with additive coupling), `readout.*`,
/// `skip.weight`; state names: `blocks.<k>.h_re`, … (`blocks.<k>.first.h_re`, …).
public final class DeepForecaster<Scalar: Real & BinaryFloatingPoint>: LearnableModel {
    public let configuration: DeepForecasterConfiguration
    public let layout: ParameterLayout
    /// P and p: input → W.
    public let inputProjection: DenseLayer
    /// The residual units in order: one per block, or two per block (first half, second half)
    /// with additive coupling.
    public let blocks: [ResidualRecurrentBlock<Scalar>]
    /// R and r: W → output.
    public let readout: DenseLayer
    /// The residual stream: every unit's input and the last unit's output, of the last forward
    /// (`instant`), or one vector updated in place (`reversible`: the last output after the
    /// forward, the rebuilt x_0 after the backward); empty under `pipelined`, whose stages keep
    /// their inputs in their rings.
    public let stream: [ScalarBuffer<Scalar>]
    /// One per unit (`instant`) or one shared by all units (`reversible`); empty under `pipelined`.
    public let activations: [BlockActivations<Scalar>]
    @usableFromInline let skipOffset: Int
    /// The stages, messages and threads of the `pipelined` scheme; nil under the other schemes.
    @usableFromInline let pipeline: PipelinedDepth<Scalar>?
    @usableFromInline let inputCopy, readoutPreactivation, streamGradient: ScalarBuffer<Scalar>

    public init(_ configuration: DeepForecasterConfiguration) {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        self.configuration = configuration
        let (width, blockCount, hidden) = (configuration.width, configuration.blockCount, configuration.hiddenCount)
        var layout = ParameterLayout()
        inputProjection = DenseLayer(
            name: "input", inputCount: configuration.inputCount, outputCount: width, activation: .identity, layout: &layout)
        func unit(_ name: String, reads: Range<Int>, writes: Range<Int>) -> ResidualRecurrentBlock<Scalar> {
            ResidualRecurrentBlock(
                name: name, width: width, reads: reads, writes: writes, stateCount: configuration.stateCount,
                hiddenCount: hidden, gradientMode: configuration.gradientMode, detachesState: configuration.detachesState,
                layout: &layout)
        }
        switch configuration.coupling {
        case .residual:
            blocks = (0..<blockCount).map { unit("blocks.\($0)", reads: 0..<width, writes: 0..<width) }
        case .additive:
            // As in a reversible residual network, a block is a pair: the first half from the second, then the second from the new first.
            let (first, second) = (0..<(width / 2), (width / 2)..<width)
            blocks = (0..<blockCount).flatMap { k in
                [unit("blocks.\(k).first", reads: second, writes: first), unit("blocks.\(k).second", reads: first, writes: second)]
            }
        }
        readout = DenseLayer(
            name: "readout", inputCount: width, outputCount: configuration.outputCount, activation: .identity, layout: &layout)
        skipOffset = layout.add("skip.weight", shape: [configuration.outputCount, configuration.inputCount])
        self.layout = layout
        inputCopy = ScalarBuffer(count: configuration.inputCount)
        readoutPreactivation = ScalarBuffer(count: configuration.outputCount)
        streamGradient = ScalarBuffer(count: width)
        let reversible = configuration.scheme == .reversible
        let pipelined = configuration.scheme == .pipelined
        // The pipelined stages keep their own activations, in rings.
        stream = (0..<(pipelined ? 0 : reversible ? 1 : blocks.count + 1)).map { _ in ScalarBuffer(count: width) }
        let largestPart = configuration.coupling == .residual ? width : width - width / 2
        activations = (0..<(pipelined ? 0 : reversible ? 1 : blocks.count)).map { _ in
            BlockActivations(hiddenCount: hidden, updateCount: largestPart, inputCount: largestPart)
        }
        pipeline = pipelined
            ? PipelinedDepth(
                blocks: blocks, projection: inputProjection, readout: readout, skipOffset: skipOffset,
                threadCount: configuration.threadCount, local: configuration.stageBlocks ?? 0..<blocks.count)
            : nil
        stateBuffers = blocks.flatMap { block in
            block.recurrent.stateBuffers.map { StateBuffer(name: "\(block.name).\($0.name)", shape: $0.shape, buffer: $0.buffer) }
        } + (pipeline?.stateBuffers ?? [])
    }

    public var inputCount: Int { configuration.inputCount }
    public var outputCount: Int { configuration.outputCount }
    public let stateBuffers: [StateBuffer<Scalar>]

    /// Scalars that a forward pass keeps for the backward pass through depth (the residual stream
    /// and the blocks' activations): grows with K under `instant`, not under `reversible`; under
    /// `pipelined`, the rings and messages, which grow as K², whatever the stream's length.
    public var depthActivationScalarCount: Int {
        stream.reduce(0) { $0 + $1.count } + activations.reduce(0) { $0 + $1.scalarCount } + (pipeline?.scalarCount ?? 0)
    }

    // Loops over `blocks` go by index: `for block in blocks` allocated on every call in a debug build.

    /// Where a split pipelined model (`DeepForecasterConfiguration.stageBlocks`) exchanges its
    /// messages with the models that run its neighbouring blocks; nil under the other schemes.
    public var pipelineBoundary: PipelineBoundary<Scalar>? { pipeline?.boundary }

    /// The pipelined scheme's slots and message parities follow the step count: a learner resumed
    /// at `step` must find them where its `stateBuffers` left them.
    public func resume(atStep step: Int64) {
        pipeline?.step = Int(step)
    }

    public func resetStateCostate() {
        for k in blocks.indices {
            blocks[k].recurrent.zRe.zero()
            blocks[k].recurrent.zIm.zero()
        }
    }

    @inlinable
    public func resetState() {
        for k in blocks.indices { blocks[k].resetState() }
        pipeline?.reset()
    }

    public func initialize(parameters p: UnsafeMutablePointer<Scalar>, generator: inout SeededGenerator) {
        inputProjection.initialize(parameters: p, generator: &generator)
        for k in blocks.indices { blocks[k].initialize(parameters: p, configuration: configuration, generator: &generator) }
        readout.initialize(parameters: p, generator: &generator)
        SkipInitialization.write(into: p, offset: skipOffset, outputs: outputCount, inputs: inputCount)
        parametersDidChange(p)
    }

    @inlinable
    public func parametersDidChange(_ parameters: UnsafeMutablePointer<Scalar>) {
        for k in blocks.indices { blocks[k].recurrent.parametersDidChange(parameters) }
    }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>) {
        let u = inputCopy.pointer
        u.update(from: input, count: inputCount)
        if let pipeline { return pipeline.forward(input: u, parameters: p, output: y) }
        inputProjection.forward(input: u, parameters: p, preactivation: stream[0].pointer, output: stream[0].pointer)
        let inPlace = configuration.scheme == .reversible
        for k in blocks.indices {
            let (x, next) = inPlace ? (stream[0], stream[0]) : (stream[k], stream[k + 1])
            blocks[k].forward(input: x.pointer, parameters: p, output: next.pointer, activations: activations[inPlace ? 0 : k])
        }
        readout.forward(
            input: stream[stream.count - 1].pointer, parameters: p, preactivation: readoutPreactivation.pointer, output: y)
        DenseKernels.multiply(p + skipOffset, rows: outputCount, columns: inputCount, u, into: y, accumulate: true)
    }

    /// Backpropagation in depth through this step's activations, top block first, so each block's
    /// θ is delivered after its last read (under `reversible`, after its reconstruction too).
    @inlinable
    public func backward<Sink: GradientSink>(
        parameters p: UnsafePointer<Scalar>, outputGradient gy: UnsafeMutablePointer<Scalar>, sink: Sink,
        step: EulerStep<Scalar>
    ) where Sink.Scalar == Scalar {
        if let pipeline { return pipeline.backward(parameters: p, outputGradient: gy, sink: sink, step: step) }
        let u = UnsafePointer(inputCopy.pointer)
        let g = streamGradient.pointer
        let reversible = configuration.scheme == .reversible
        DenseKernels.outer(gy, u, rows: outputCount, columns: inputCount, into: sink, at: skipOffset)
        readout.backward(
            input: stream[stream.count - 1].pointer, parameters: p, preactivation: readoutPreactivation.pointer,
            output: readoutPreactivation.pointer, outputGradient: gy, sink: sink, inputGradient: g)
        for k in stride(from: blocks.count - 1, through: 0, by: -1) {
            if reversible {
                blocks[k].reconstructInput(stream: stream[0].pointer, parameters: p, activations: activations[0])
                blocks[k].backward(input: stream[0].pointer, parameters: p, gradient: g, activations: activations[0], sink: sink, step: step)
            } else {
                blocks[k].backward(input: stream[k].pointer, parameters: p, gradient: g, activations: activations[k], sink: sink, step: step)
            }
        }
        inputProjection.backward(
            input: u, parameters: p, preactivation: stream[0].pointer, output: stream[0].pointer, outputGradient: g,
            sink: sink, inputGradient: nil)
    }
}
