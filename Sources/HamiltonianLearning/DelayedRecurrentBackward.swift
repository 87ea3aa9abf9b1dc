import RealModule

extension DiagonalRecurrentLayer {
    /// The backward pass of an earlier step s, for the `pipelined` scheme, whose error reaches a
    /// block after the block has moved on: given ga = ∂(φL)/∂a of step s, the state h_s that
    /// step's forward read and its input u_s, delivers ∂H'/∂θ to `sink`, writes Dᵀ ga into
    /// `inputGradient`, and advances the traces or the costate z by step s.
    ///
    /// Unlike `backward`, the state h is not touched: it moves at the forward pass, which cannot
    /// wait for the error. The traces (or z) therefore run on the late timeline s, fed with the
    /// kept h_s and u_s, so each trace is paired with the δ of its own step. θ is the current one.
    @inlinable
    func delayedBackward<S: GradientSink>(
        input u: UnsafePointer<Scalar>, stateRe: UnsafePointer<Scalar>, stateIm: UnsafePointer<Scalar>,
        parameters p: UnsafePointer<Scalar>, outputGradient ga: UnsafePointer<Scalar>, sink: S, step: EulerStep<Scalar>,
        inputGradient: UnsafeMutablePointer<Scalar>
    ) where S.Scalar == Scalar {
        let (n, i, h) = (stateCount, inputCount, hiddenCount)
        // The traces and costate steps read the state before the step from `previous`.
        previousRe.pointer.update(from: stateRe, count: n)
        previousIm.pointer.update(from: stateIm, count: n)
        for k in 0..<n { negatedHIm[k] = -stateIm[k] }
        DenseKernels.transposedProductThenOuter(
            p + cReOffset, rows: h, columns: n, ga, into: deltaRe.pointer, outerWith: stateRe, sink: sink, at: cReOffset)
        DenseKernels.transposedProductThenOuter(
            p + cImOffset, rows: h, columns: n, ga, into: deltaIm.pointer, scale: -1, outerWith: negatedHIm.pointer,
            sink: sink, at: cImOffset)
        DenseKernels.transposedProductThenOuter(
            p + dOffset, rows: h, columns: i, ga, into: inputGradient, outerWith: u, sink: sink, at: dOffset)
        DenseKernels.deliver(ga, count: h, into: sink, at: biasOffset)
        switch gradientMode {
        case .traces: tracesGradientAndAdvance(input: u, sink: sink)
        case .costate: costateGradientAndAdvance(input: u, sink: sink, step: step)
        }
        chainLambdaGradient(into: sink)
    }
}
