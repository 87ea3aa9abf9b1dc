/// Where a backward pass delivers ∂H'/∂θ, one entry at a time, in the order it computes them.
///
/// Storing the gradient and then integrating it in a second pass streams θ, ω and g through the
/// cache twice; a sink that integrates each entry as it is produced (`WeightIntegrator`) touches θ
/// and ω once. Models call `accept` exactly once per parameter per
/// step, after their last read of that parameter's θ in the step.
public protocol GradientSink {
    associatedtype Scalar: BinaryFloatingPoint
    func accept(_ gradient: Scalar, at index: Int)
    /// Accepts g[offset + c] = scale · values[c] for c in 0..<count: the vectorisable bulk form.
    func acceptRow(scale: Scalar, values: UnsafePointer<Scalar>, count: Int, at offset: Int)
}

/// Writes g[i]: for reference optimisers, finite-difference tests and truncated BPTT.
public struct GradientStore<Scalar: BinaryFloatingPoint>: GradientSink {
    @usableFromInline let gradient: UnsafeMutablePointer<Scalar>

    @inlinable
    public init(_ gradient: UnsafeMutablePointer<Scalar>) { self.gradient = gradient }

    @inlinable
    public func accept(_ gradient: Scalar, at index: Int) { self.gradient[index] = gradient }

    @inlinable
    public func acceptRow(scale: Scalar, values: UnsafePointer<Scalar>, count: Int, at offset: Int) {
        let g = gradient + offset
        for c in 0..<count { g[c] = scale * values[c] }
    }
}

/// (E2)/(E4) for each entry as it arrives: ω ← (1 − τη) ω + τ clamp(g, ±clip), and θ moves by
/// τβ times the new ω (BP ordering: gradient descent) or the old one (local: Algorithm 1).
public struct WeightIntegrator<Scalar: BinaryFloatingPoint>: GradientSink {
    @usableFromInline let theta, omega: UnsafeMutablePointer<Scalar>
    @usableFromInline let decay, tau, rate, clip: Scalar
    @usableFromInline let usesNewCostate: Bool

    @inlinable
    public init(
        parameters: UnsafeMutablePointer<Scalar>, costate: UnsafeMutablePointer<Scalar>, tau: Scalar, beta: Scalar,
        eta: Scalar, clip: Scalar, ordering: UpdateOrdering
    ) {
        theta = parameters
        omega = costate
        decay = 1 - tau * eta
        self.tau = tau
        rate = tau * beta
        self.clip = clip
        usesNewCostate = ordering == .backpropagation
    }

    @inlinable
    public func accept(_ gradient: Scalar, at i: Int) {
        let old = omega[i]
        let new = decay * old + tau * min(max(gradient, -clip), clip)
        omega[i] = new
        theta[i] -= rate * (usesNewCostate ? new : old)
    }

    /// Two loops rather than a branch per entry, so each vectorises.
    @inlinable
    public func acceptRow(scale: Scalar, values: UnsafePointer<Scalar>, count: Int, at offset: Int) {
        let (t, o) = (theta + offset, omega + offset)
        if usesNewCostate {
            for c in 0..<count {
                let new = decay * o[c] + tau * min(max(scale * values[c], -clip), clip)
                o[c] = new
                t[c] -= rate * new
            }
        } else {
            for c in 0..<count {
                let old = o[c]
                o[c] = decay * old + tau * min(max(scale * values[c], -clip), clip)
                t[c] -= rate * old
            }
        }
    }
}
