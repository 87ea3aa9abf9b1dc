/// The step size and dissipation that a model needs to move its state costate by one Euler step.
public struct EulerStep<Scalar: BinaryFloatingPoint> {
    public var tau: Scalar
    public var eta: Scalar

    @inlinable
    public init(tau: Scalar, eta: Scalar) {
        self.tau = tau
        self.eta = eta
    }
}

/// The (E2)/(E4) update of every weight and its costate, in one pass over the flat buffers.
@usableFromInline
enum WeightIntegrator {
    /// ω ← (1 − τη) ω + τ clamp(g, ±clip);  θ ← θ − τβ ω (new ω for BP ordering, old ω for local).
    /// Allocation-free; vectorises over the contiguous buffers. `clip` = ∞ leaves g as it is.
    @inlinable
    static func step<T: BinaryFloatingPoint>(
        parameters theta: UnsafeMutablePointer<T>, costate omega: UnsafeMutablePointer<T>,
        gradient g: UnsafePointer<T>, count: Int, tau: T, beta: T, eta: T, ordering: UpdateOrdering,
        clip: T = .infinity
    ) {
        let decay = 1 - tau * eta
        let rate = tau * beta
        switch ordering {
        case .backpropagation:
            for i in 0..<count {
                let w = decay * omega[i] + tau * min(max(g[i], -clip), clip)
                omega[i] = w
                theta[i] -= rate * w
            }
        case .local:
            for i in 0..<count {
                let old = omega[i]
                omega[i] = decay * old + tau * min(max(g[i], -clip), clip)
                theta[i] -= rate * old
            }
        }
    }
}
