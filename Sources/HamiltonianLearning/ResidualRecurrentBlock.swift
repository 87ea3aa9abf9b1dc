import RealModule

/// One block of a deep forecaster: x ← x + M GELU(LRU(x)) + m, at width W.
///
/// The LRU is a `DiagonalRecurrentLayer` (its state, its traces or costate, its kernels); the
/// block adds the nonlinearity, the dense map M back to W and the residual path. All buffers are
/// allocated at construction; `forward` and `backward` allocate nothing. One thread at a time.
public final class ResidualRecurrentBlock<Scalar: Real & BinaryFloatingPoint> {
    public let width: Int
    public let recurrent: DiagonalRecurrentLayer<Scalar>
    /// M and m: H → W, no activation.
    public let mix: DenseLayer
    public let detachesState: Bool
    /// The LRU output a, Φ(a), GELU(a), and M GELU(a) + m, of the last forward.
    @usableFromInline let preactivation, normalCDF, activated, mixed: ScalarBuffer<Scalar>
    @usableFromInline let activatedGradient, directInputGradient: ScalarBuffer<Scalar>

    /// Registers `name.recurrent.*` and `name.mix.*` in the layout.
    public init(
        name: String, width: Int, stateCount: Int, hiddenCount: Int, gradientMode: RecurrentGradientMode,
        detachesState: Bool, layout: inout ParameterLayout
    ) {
        self.width = width
        self.detachesState = detachesState
        recurrent = DiagonalRecurrentLayer(
            inputCount: width, stateCount: stateCount, hiddenCount: hiddenCount, gradientMode: gradientMode,
            layout: &layout, name: "\(name).recurrent")
        mix = DenseLayer(name: "\(name).mix", inputCount: hiddenCount, outputCount: width, activation: .identity, layout: &layout)
        preactivation = ScalarBuffer(count: hiddenCount)
        normalCDF = ScalarBuffer(count: hiddenCount)
        activated = ScalarBuffer(count: hiddenCount)
        mixed = ScalarBuffer(count: width)
        activatedGradient = ScalarBuffer(count: hiddenCount)
        directInputGradient = ScalarBuffer(count: width)
    }

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

    /// y = x + M GELU(LRU(x)) + m for the current state; x must stay unchanged until `backward`.
    @inlinable
    public func forward(input x: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>) {
        let hidden = recurrent.hiddenCount
        recurrent.forward(input: x, parameters: p, output: preactivation.pointer)
        GELUKernels.forward(UnsafePointer(preactivation.pointer), cdf: normalCDF.pointer, output: activated.pointer, count: hidden)
        mix.forward(input: activated.pointer, parameters: p, preactivation: mixed.pointer, output: mixed.pointer)
        for c in 0..<width { y[c] = x[c] + mixed[c] }
    }

    /// Given g = ∂(φL)/∂y for the last forward, delivers ∂H'/∂θ of the block to `sink`, advances
    /// the state by one step with input x, and turns g into ∂(φL)/∂x in place: the residual path
    /// plus the LRU's direct path D (this step's activations only; the state is not a function of
    /// this step's x).
    @inlinable
    public func backward<S: GradientSink>(
        input x: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, gradient g: UnsafeMutablePointer<Scalar>,
        sink: S, step: EulerStep<Scalar>
    ) where S.Scalar == Scalar {
        let hidden = recurrent.hiddenCount
        // Identity activation: g is read, not scaled, so it still holds the residual path's share.
        mix.backward(
            input: activated.pointer, parameters: p, preactivation: mixed.pointer, output: mixed.pointer, outputGradient: g,
            sink: sink, inputGradient: activatedGradient.pointer)
        GELUKernels.backward(
            UnsafePointer(preactivation.pointer), cdf: UnsafePointer(normalCDF.pointer), gradient: activatedGradient.pointer,
            count: hidden)
        recurrent.backward(
            input: x, parameters: p, outputGradient: activatedGradient.pointer, sink: sink, step: step,
            inputGradient: directInputGradient.pointer)
        for c in 0..<width { g[c] += directInputGradient[c] }
        if detachesState { forgetTemporalCredit() }
    }
}
