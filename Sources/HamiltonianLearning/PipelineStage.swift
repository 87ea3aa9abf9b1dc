import RealModule

/// One block of the `pipelined` scheme with what it keeps of its own past steps: a ring of
/// `lag + 1` slots, one written per forward, so that the costate arriving `lag` steps later is
/// paired with the input, state and activations of the step it is about.
///
/// A slot holds the block's input x (W), the state h the forward read (2N), the LRU output a,
/// Φ(a) and GELU(a) (3H), and in the first stage the raw input u for the input projection's
/// gradient. The ring is allocated once; a fresh or reset ring is all zeros, which makes the
/// pipe's filling steps deliver zero gradients and leave the traces at zero. One thread at a time.
@usableFromInline
final class PipelineStage<Scalar: Real & BinaryFloatingPoint> {
    @usableFromInline let block: ResidualRecurrentBlock<Scalar>
    /// Steps from a forward to the arrival of the costate about its output: 2(K − 1 − j) for stage j.
    @usableFromInline let lag: Int
    @usableFromInline let ring: ScalarBuffer<Scalar>
    @usableFromInline let slotSize, stateOffset, preactivationOffset, cdfOffset, activatedOffset, rawInputOffset: Int
    @usableFromInline let update, gradient, activatedGradient, directGradient: ScalarBuffer<Scalar>

    init(block: ResidualRecurrentBlock<Scalar>, lag: Int, rawInputCount: Int) {
        self.block = block
        self.lag = lag
        let (w, n, h) = (block.width, block.recurrent.stateCount, block.recurrent.hiddenCount)
        stateOffset = w
        preactivationOffset = w + 2 * n
        cdfOffset = preactivationOffset + h
        activatedOffset = cdfOffset + h
        rawInputOffset = activatedOffset + h
        slotSize = rawInputOffset + rawInputCount
        ring = ScalarBuffer(count: (lag + 1) * slotSize)
        update = ScalarBuffer(count: w)
        gradient = ScalarBuffer(count: w)
        activatedGradient = ScalarBuffer(count: h)
        directGradient = ScalarBuffer(count: w)
    }

    /// Scalars held for the late backward passes and the step's scratch.
    var scalarCount: Int { ring.count + update.count + gradient.count + activatedGradient.count + directGradient.count }

    /// The slot written by the forward of `step`; the backward of `step` reads the one of `step − lag`.
    @inlinable
    func slot(_ step: Int) -> UnsafeMutablePointer<Scalar> { ring.pointer + (step % (lag + 1)) * slotSize }

    /// The slot's input x, where the first stage's forward writes x_0 = P u + p.
    @inlinable
    func input(step: Int) -> UnsafeMutablePointer<Scalar> { slot(step) }

    /// The raw input's place in the slot (first stage only).
    @inlinable
    func rawInput(step: Int) -> UnsafeMutablePointer<Scalar> { slot(step) + rawInputOffset }

    /// out = x + M GELU(LRU(x)) + m for the x already in this step's slot, keeping the state and
    /// activations there, then moves the state h ← λh + Bx with the θ of before the step.
    @inlinable
    func forward(step: Int, parameters p: UnsafePointer<Scalar>, output out: UnsafeMutablePointer<Scalar>) {
        let s = slot(step)
        let recurrent = block.recurrent
        let n = recurrent.stateCount
        (s + stateOffset).update(from: recurrent.hRe.pointer, count: n)
        (s + stateOffset + n).update(from: recurrent.hIm.pointer, count: n)
        recurrent.forward(input: s, parameters: p, output: s + preactivationOffset)
        GELUKernels.forward(
            UnsafePointer(s + preactivationOffset), cdf: s + cdfOffset, output: s + activatedOffset, count: recurrent.hiddenCount)
        block.mix.forward(input: s + activatedOffset, parameters: p, preactivation: update.pointer, output: update.pointer)
        for c in 0..<block.width { out[c] = s[c] + update[c] }
        recurrent.advanceState(input: s, parameters: p)
    }

    /// Given `gradient` = ∂(φL)/∂out for the output of step − lag, delivers this block's ∂H'/∂θ
    /// and turns `gradient` into ∂(φL)/∂x for that step's input (identity path plus Dᵀ ga).
    @inlinable
    func backward<Sink: GradientSink>(step: Int, parameters p: UnsafePointer<Scalar>, sink: Sink, eulerStep: EulerStep<Scalar>)
    where Sink.Scalar == Scalar {
        let s = slot(step + 1)  // (step − lag) mod (lag + 1)
        let g = gradient.pointer
        let n = block.recurrent.stateCount
        block.mix.backward(
            input: s + activatedOffset, parameters: p, preactivation: s + activatedOffset, output: s + activatedOffset,
            outputGradient: g, sink: sink, inputGradient: activatedGradient.pointer)
        GELUKernels.backward(
            UnsafePointer(s + preactivationOffset), cdf: UnsafePointer(s + cdfOffset), gradient: activatedGradient.pointer,
            count: block.recurrent.hiddenCount)
        block.recurrent.delayedBackward(
            input: s, stateRe: s + stateOffset, stateIm: s + stateOffset + n, parameters: p,
            outputGradient: activatedGradient.pointer, sink: sink, step: eulerStep, inputGradient: directGradient.pointer)
        for c in 0..<block.width { g[c] += directGradient[c] }
        if block.detachesState { block.forgetTemporalCredit() }
    }

    /// Zeroes the ring and the block's state, traces and costate.
    @usableFromInline func reset() {
        ring.zero()
        block.resetState()
    }
}
