import RealModule

/// Truncated BPTT for the LRU layer: keeps the last `window` states and inputs and
/// back-propagates the current loss through them. Reference only: memory grows with the window.
public final class TruncatedBackpropagation<Scalar: Real & BinaryFloatingPoint> {
    public let window: Int
    @usableFromInline let layer: DiagonalRecurrentLayer<Scalar>
    @usableFromInline let pastRe, pastIm, pastInput: ScalarBuffer<Scalar>
    @usableFromInline let pendingRe, pendingIm, pendingInput, adjointRe, adjointIm: ScalarBuffer<Scalar>
    @usableFromInline var filled = 0
    @usableFromInline var head = 0

    public init(layer: DiagonalRecurrentLayer<Scalar>, window: Int) {
        precondition(window >= 1, "the BPTT window must hold at least one step")
        self.layer = layer
        self.window = window
        let (n, i) = (layer.stateCount, layer.inputCount)
        pastRe = ScalarBuffer(count: window * n)
        pastIm = ScalarBuffer(count: window * n)
        pastInput = ScalarBuffer(count: window * i)
        pendingRe = ScalarBuffer(count: n)
        pendingIm = ScalarBuffer(count: n)
        pendingInput = ScalarBuffer(count: i)
        adjointRe = ScalarBuffer(count: n)
        adjointIm = ScalarBuffer(count: n)
    }

    /// Records h_t and u_t; call before the model's backward moves h on.
    @inlinable
    func capture(input u: UnsafePointer<Scalar>) {
        pendingRe.pointer.update(from: layer.hRe.pointer, count: layer.stateCount)
        pendingIm.pointer.update(from: layer.hIm.pointer, count: layer.stateCount)
        pendingInput.pointer.update(from: u, count: layer.inputCount)
    }

    /// Replaces the layer's λ and B gradients by the window-truncated BPTT ones, using
    /// δ_t = ∂L/∂h_t left by the model's backward, then stores the captured step.
    @inlinable
    func overwriteGradient(into g: UnsafeMutablePointer<Scalar>) {
        let (n, i) = (layer.stateCount, layer.inputCount)
        adjointRe.pointer.update(from: layer.deltaRe.pointer, count: n)
        adjointIm.pointer.update(from: layer.deltaIm.pointer, count: n)
        layer.gLambdaRe.zero()
        layer.gLambdaIm.zero()
        (g + layer.bReOffset).update(repeating: 0, count: n * i)
        (g + layer.bImOffset).update(repeating: 0, count: n * i)
        for k in 0..<filled {
            let slot = (head - 1 - k + window) % window
            let hRe = pastRe.pointer + slot * n
            let hIm = pastIm.pointer + slot * n
            let u = pastInput.pointer + slot * i
            for s in 0..<n {
                let (dr, di) = (adjointRe[s], adjointIm[s])
                layer.gLambdaRe[s] += hRe[s] * dr + hIm[s] * di
                layer.gLambdaIm[s] += hRe[s] * di - hIm[s] * dr
                let gRe = g + layer.bReOffset + s * i
                let gIm = g + layer.bImOffset + s * i
                for j in 0..<i {
                    gRe[j] += dr * u[j]
                    gIm[j] += di * u[j]
                }
                let (lr, li) = (layer.lambdaRe[s], layer.lambdaIm[s])
                adjointRe[s] = lr * dr + li * di
                adjointIm[s] = lr * di - li * dr
            }
        }
        layer.chainLambdaGradient(into: GradientStore(g))
        (pastRe.pointer + head * n).update(from: pendingRe.pointer, count: n)
        (pastIm.pointer + head * n).update(from: pendingIm.pointer, count: n)
        (pastInput.pointer + head * i).update(from: pendingInput.pointer, count: i)
        head = (head + 1) % window
        filled = min(filled + 1, window)
    }
}
