import RealModule

/// The `pipelined` scheme of a `DeepForecaster` (see `DepthScheme.pipelined` for what the
/// prediction and the targets mean): K stages, stage j holding block j, stage 0 also the input
/// projection, stage K−1 also the read-out and the skip.
///
/// At step t stage j reads only the messages of step t−1: the output of stage j−1 and the
/// costate ∂(φL)/∂(its own output) sent back by stage j+1. Each message has two buffers, one per
/// step parity, so a stage writes this step's while its neighbour reads last step's, and the
/// stages of a step are independent: an executor runs contiguous groups of them on its threads,
/// once for the forward phase and once for the backward phase (which needs the step's loss).
/// Every buffer is allocated at construction; memory does not depend on the stream's length.
@usableFromInline
final class PipelinedDepth<Scalar: Real & BinaryFloatingPoint> {
    @usableFromInline let stages: [PipelineStage<Scalar>]
    @usableFromInline let projection, readout: DenseLayer
    @usableFromInline let skipOffset: Int
    /// Stage j's output at parities 0 and 1: `outputs[2j + t % 2]`; the last stage's is x_K.
    @usableFromInline let outputs: [ScalarBuffer<Scalar>]
    /// ∂(φL)/∂(stage j's output), sent by stage j+1: `costates[2j + t % 2]`, j < K−1.
    @usableFromInline let costates: [ScalarBuffer<Scalar>]
    @usableFromInline let readoutPreactivation: ScalarBuffer<Scalar>
    /// Stages `groups[part]` run on the executor's part `part`.
    @usableFromInline let groups: [Range<Int>]
    @usableFromInline let executor: StageExecutor
    @usableFromInline var step = 0
    // What the current phase works on, set by the caller before the executor runs it.
    @usableFromInline var input: UnsafePointer<Scalar>?
    @usableFromInline var parameters: UnsafePointer<Scalar>?
    @usableFromInline var prediction: UnsafeMutablePointer<Scalar>?
    @usableFromInline var outputGradient: UnsafeMutablePointer<Scalar>?
    /// The executor's jobs, made once in the caller's specialised code (see `StageExecutor`); the
    /// backward one for the sink type of `backwardSink`, a `SinkBox` that carries each step's sink.
    @usableFromInline var forwardJob: ((Int) -> Void)?
    @usableFromInline var backwardJob: ((Int) -> Void)?
    @usableFromInline var backwardSink: AnyObject?

    /// The stages this model runs; the others run elsewhere and their messages arrive through `boundary`.
    @usableFromInline let local: Range<Int>

    init(
        blocks: [ResidualRecurrentBlock<Scalar>], projection: DenseLayer, readout: DenseLayer, skipOffset: Int, threadCount: Int,
        local: Range<Int>
    ) {
        let count = blocks.count
        self.local = local
        stages = blocks.indices.map { j in
            PipelineStage(block: blocks[j], lag: 2 * (count - 1 - j), rawInputCount: j == 0 ? projection.inputCount : 0)
        }
        self.projection = projection
        self.readout = readout
        self.skipOffset = skipOffset
        let width = blocks[0].width
        outputs = (0..<(2 * count)).map { _ in ScalarBuffer(count: width) }
        costates = (0..<(2 * (count - 1))).map { _ in ScalarBuffer(count: width) }
        readoutPreactivation = ScalarBuffer(count: readout.outputCount)
        let (first, size) = (local.lowerBound, local.count)
        groups = (0..<threadCount).map { part in (first + part * size / threadCount)..<(first + (part + 1) * size / threadCount) }
        executor = StageExecutor(threadCount: threadCount)
    }

    /// What is in flight between steps, for checkpoints: every stage's ring and both parities of
    /// every message. With the step counter (`step`, set on resume) a run continues bit for bit.
    var stateBuffers: [StateBuffer<Scalar>] {
        let width = stages[0].block.width
        return local.map { j in
            StateBuffer(name: "pipeline.stages.\(j).ring", shape: [stages[j].lag + 1, stages[j].slotSize], buffer: stages[j].ring)
        } + outputs.indices.map { StateBuffer(name: "pipeline.outputs.\($0)", shape: [width], buffer: outputs[$0]) }
            + costates.indices.map { StateBuffer(name: "pipeline.costates.\($0)", shape: [width], buffer: costates[$0]) }
    }

    /// The message buffers at this model's edges for the exchange between the step just completed
    /// and the next one (parity (step + 1) % 2): after a step, read the outbound ones and send them;
    /// before the next, write what the neighbours sent into the inbound ones. Nil where the edge
    /// is the network's own (no neighbour).
    var boundary: PipelineBoundary<Scalar> {
        let parity = (step + 1) % 2
        let (first, last) = (local.lowerBound, local.upperBound - 1)
        let lastStage = stages.count - 1
        return PipelineBoundary(
            step: step,
            stateFromBelow: first > 0 ? outputs[2 * (first - 1) + parity].pointer : nil,
            costateFromAbove: last < lastStage ? costates[2 * last + parity].pointer : nil,
            stateToAbove: last < lastStage ? UnsafePointer(outputs[2 * last + parity].pointer) : nil,
            costateToBelow: first > 0 ? UnsafePointer(costates[2 * (first - 1) + parity].pointer) : nil)
    }

    var scalarCount: Int {
        stages.reduce(0) { $0 + $1.scalarCount } + (outputs + costates).reduce(0) { $0 + $1.count } + readoutPreactivation.count
    }

    @usableFromInline func reset() {
        for j in stages.indices { stages[j].reset() }
        for j in outputs.indices { outputs[j].zero() }
        for j in costates.indices { costates[j].zero() }
    }

    @inlinable
    func forward(input u: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>) {
        (input, parameters, prediction) = (u, p, y)
        // `if let`: comparing the optional closure with nil allocated on every step in a debug build.
        if let job = forwardJob { return executor.run(job) }
        // unowned(unsafe): a job runs only inside `executor.run`, which returns when every part is
        // done, called from self's own method, so self is alive; Embedded Swift has no checked unowned.
        let job: (Int) -> Void = { [unowned(unsafe) self] part in
            for j in groups[part] { forward(stage: j) }
        }
        forwardJob = job
        executor.run(job)
    }

    @inlinable
    func backward<Sink: GradientSink>(
        parameters p: UnsafePointer<Scalar>, outputGradient gy: UnsafeMutablePointer<Scalar>, sink: Sink, step eulerStep: EulerStep<Scalar>
    ) where Sink.Scalar == Scalar {
        (parameters, outputGradient) = (p, gy)
        if let box = backwardSink as? SinkBox<Sink> {
            (box.sink, box.eulerStep) = (sink, eulerStep)
        } else {
            let box = SinkBox(sink, eulerStep)
            backwardSink = box
            backwardJob = { [unowned(unsafe) self] part in  // as in `forward`
                for j in groups[part] { backward(stage: j, sink: box.sink, eulerStep: box.eulerStep) }
            }
        }
        executor.run(backwardJob!)
        step += 1
    }

    /// Stage j's forward at the current step.
    @inlinable
    func forward(stage j: Int) {
        let (t, p, u, stage) = (step, parameters!, input!, stages[j])
        let x = stage.input(step: t)
        if j == 0 {
            stage.rawInput(step: t).update(from: u, count: projection.inputCount)
            projection.forward(input: u, parameters: p, preactivation: x, output: x)
        } else {
            x.update(from: outputs[2 * (j - 1) + (t + 1) % 2].pointer, count: stage.block.width)
        }
        let out = outputs[2 * j + t % 2].pointer
        stage.forward(step: t, parameters: p, output: out)
        if j == stages.count - 1 {
            let y = prediction!
            readout.forward(input: out, parameters: p, preactivation: readoutPreactivation.pointer, output: y)
            DenseKernels.multiply(p + skipOffset, rows: readout.outputCount, columns: projection.inputCount, u, into: y, accumulate: true)
        }
    }

    /// Stage j's backward at the current step: the last stage from this step's loss, the others
    /// from the costate that stage j+1 sent at the previous step.
    @inlinable
    func backward<Sink: GradientSink>(stage j: Int, sink: Sink, eulerStep: EulerStep<Scalar>) where Sink.Scalar == Scalar {
        let (t, p, stage) = (step, parameters!, stages[j])
        let g = stage.gradient.pointer
        if j == stages.count - 1 {
            let (gy, u) = (outputGradient!, input!)
            DenseKernels.outer(gy, u, rows: readout.outputCount, columns: projection.inputCount, into: sink, at: skipOffset)
            readout.backward(
                input: outputs[2 * j + t % 2].pointer, parameters: p, preactivation: readoutPreactivation.pointer,
                output: readoutPreactivation.pointer, outputGradient: gy, sink: sink, inputGradient: g)
        } else if t < stage.lag {
            // The costate is about a message of the pipe's filling, which this block did not compute.
            g.update(repeating: 0, count: stage.block.width)
        } else {
            g.update(from: costates[2 * j + (t + 1) % 2].pointer, count: stage.block.width)
        }
        stage.backward(step: t, parameters: p, sink: sink, eulerStep: eulerStep)
        if j == 0 {
            let lateInput = stage.input(step: t + 1)
            projection.backward(
                input: stage.rawInput(step: t + 1), parameters: p, preactivation: lateInput, output: lateInput, outputGradient: g,
                sink: sink, inputGradient: nil)
        } else {
            costates[2 * (j - 1) + t % 2].pointer.update(from: g, count: stage.block.width)
        }
    }

    @usableFromInline
    final class SinkBox<Sink: GradientSink> where Sink.Scalar == Scalar {
        @usableFromInline var sink: Sink
        @usableFromInline var eulerStep: EulerStep<Scalar>
        @usableFromInline init(_ sink: Sink, _ eulerStep: EulerStep<Scalar>) { (self.sink, self.eulerStep) = (sink, eulerStep) }
    }
}
