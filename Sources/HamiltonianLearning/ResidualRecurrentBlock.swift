import RealModule

/// One block of a deep forecaster: y = x, then y[writes] += M GELU(LRU(x[reads])) + m.
///
/// With `reads` = `writes` = the whole stream it is the plain residual block x + F(x); with
/// disjoint halves it is an additive coupling, invertible as x[writes] = y[writes] − F(y[reads]).
/// The LRU is a `DiagonalRecurrentLayer` (its state, its traces or costate, its kernels); the
/// block adds the nonlinearity, the dense map M and the residual path. What the forward pass
/// leaves for the backward pass lives in a `BlockActivations` that the owner passes in. Nothing
/// here allocates after construction. One thread at a time.
public final class ResidualRecurrentBlock<Scalar: Real & BinaryFloatingPoint> {
    /// The prefix of its parameter names, as in `blocks.3`.
    public let name: String
    public let width: Int
    public let reads, writes: Range<Int>
    public let recurrent: DiagonalRecurrentLayer<Scalar>
    /// M and m: H → writes.count, no activation.
    public let mix: DenseLayer
    public let detachesState: Bool

    /// Registers `name.recurrent.*` and `name.mix.*` in the layout.
    public init(
        name: String, width: Int, reads: Range<Int>, writes: Range<Int>, stateCount: Int, hiddenCount: Int,
        gradientMode: RecurrentGradientMode, detachesState: Bool, layout: inout ParameterLayout
    ) {
        precondition(reads.lowerBound >= 0 && reads.upperBound <= width && !reads.isEmpty)
        precondition(writes.lowerBound >= 0 && writes.upperBound <= width && !writes.isEmpty)
        self.name = name
        self.width = width
        self.reads = reads
        self.writes = writes
        self.detachesState = detachesState
        recurrent = DiagonalRecurrentLayer(
            inputCount: reads.count, stateCount: stateCount, hiddenCount: hiddenCount, gradientMode: gradientMode,
            layout: &layout, name: "\(name).recurrent")
        mix = DenseLayer(
            name: "\(name).mix", inputCount: hiddenCount, outputCount: writes.count, activation: .identity, layout: &layout)
    }

    /// Whether `reconstructInput` can rebuild x from y.
    public var isInvertible: Bool { !reads.overlaps(writes) }

    /// LRU initialisation for the recurrence, PyTorch's `nn.Linear` default for M.
    public func initialize(
        parameters p: UnsafeMutablePointer<Scalar>, configuration: DeepForecasterConfiguration, generator: inout SeededGenerator
    ) {
        recurrent.initialize(
            parameters: p, minimumRadius: configuration.minimumRadius, maximumRadius: configuration.maximumRadius,
            maximumPhase: configuration.maximumPhase, generator: &generator)
        mix.initialize(parameters: p, generator: &generator)
    }

    /// Zeroes the state and whatever is carried with it (costate, traces).
    @inlinable
    public func resetState() {
        recurrent.hRe.zero()
        recurrent.hIm.zero()
        forgetTemporalCredit()
    }

    /// Zeroes the costate z and the traces: what links this step's error to earlier steps.
    @inlinable
    public func forgetTemporalCredit() {
        recurrent.zRe.zero()
        recurrent.zIm.zero()
        recurrent.eRe.zero()
        recurrent.eIm.zero()
        recurrent.traceBRe.zero()
        recurrent.traceBIm.zero()
    }

    /// F(x[reads]) = M GELU(LRU(x[reads])) + m into `activations.update`, for the current state.
    @inlinable
    func computeUpdate(stream x: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, activations: BlockActivations<Scalar>) {
        recurrent.forward(input: x + reads.lowerBound, parameters: p, output: activations.preactivation.pointer)
        GELUKernels.forward(
            UnsafePointer(activations.preactivation.pointer), cdf: activations.normalCDF.pointer,
            output: activations.activated.pointer, count: recurrent.hiddenCount)
        mix.forward(
            input: activations.activated.pointer, parameters: p, preactivation: activations.update.pointer,
            output: activations.update.pointer)
    }

    /// y = x with y[writes] += F(x[reads]). `output` may be `input` (in place); otherwise x must
    /// stay unchanged until `backward`.
    @inlinable
    public func forward(
        input x: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>,
        activations: BlockActivations<Scalar>
    ) {
        computeUpdate(stream: x, parameters: p, activations: activations)
        if UnsafePointer(y) != x { y.update(from: x, count: width) }
        let target = y + writes.lowerBound
        for c in 0..<writes.count { target[c] += activations.update[c] }
    }

    /// Turns y back into x in place, x[writes] = y[writes] − F(y[reads]), leaving in `activations`
    /// what `backward` needs: the forward pass recomputed from the rebuilt input. Exact up to the
    /// round-off of one addition and one subtraction per entry, since y[reads] = x[reads].
    @inlinable
    public func reconstructInput(
        stream: UnsafeMutablePointer<Scalar>, parameters p: UnsafePointer<Scalar>, activations: BlockActivations<Scalar>
    ) {
        computeUpdate(stream: stream, parameters: p, activations: activations)
        let target = stream + writes.lowerBound
        for c in 0..<writes.count { target[c] -= activations.update[c] }
    }

    /// Given g = ∂(φL)/∂y for the last forward (or reconstruction), delivers ∂H'/∂θ of the block
    /// to `sink`, advances the state by one step with input x[reads], and turns g into ∂(φL)/∂x
    /// in place: the identity path plus the LRU's direct path D on x[reads] (this step's
    /// activations only; the state is not a function of this step's x).
    @inlinable
    public func backward<S: GradientSink>(
        input x: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, gradient g: UnsafeMutablePointer<Scalar>,
        activations: BlockActivations<Scalar>, sink: S, step: EulerStep<Scalar>
    ) where S.Scalar == Scalar {
        // Identity activation: g is read, not scaled, so it still holds the identity path's share.
        mix.backward(
            input: activations.activated.pointer, parameters: p, preactivation: activations.update.pointer,
            output: activations.update.pointer, outputGradient: g + writes.lowerBound, sink: sink,
            inputGradient: activations.activatedGradient.pointer)
        GELUKernels.backward(
            UnsafePointer(activations.preactivation.pointer), cdf: UnsafePointer(activations.normalCDF.pointer),
            gradient: activations.activatedGradient.pointer, count: recurrent.hiddenCount)
        recurrent.backward(
            input: x + reads.lowerBound, parameters: p, outputGradient: activations.activatedGradient.pointer, sink: sink,
            step: step, inputGradient: activations.directInputGradient.pointer)
        let direct = activations.directInputGradient
        let target = g + reads.lowerBound
        for c in 0..<reads.count { target[c] += direct[c] }
        if detachesState { forgetTemporalCredit() }
    }
}
