/// Where a backward pass delivers ∂H'/∂θ, one entry at a time, in the order it computes them.
///
/// Storing the gradient and then integrating it in a second pass streams θ, ω and g through the
/// cache twice; a sink that integrates each entry as it is produced (`BackpropagationIntegrator`,
/// `LocalIntegrator`) touches θ and ω once. Models call `accept` exactly once per parameter per
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

/// (E2)/(E4) with BP ordering: ω ← (1 − τη) ω + τ clamp(g, ±clip), then θ ← θ − τβ ω.
public struct BackpropagationIntegrator<Scalar: BinaryFloatingPoint>: GradientSink {
    @usableFromInline let theta, omega: UnsafeMutablePointer<Scalar>
    @usableFromInline let decay, tau, rate, clip: Scalar

    @inlinable
    public init(parameters: UnsafeMutablePointer<Scalar>, costate: UnsafeMutablePointer<Scalar>, tau: Scalar, beta: Scalar, eta: Scalar, clip: Scalar) {
        theta = parameters
        omega = costate
        decay = 1 - tau * eta
        self.tau = tau
        rate = tau * beta
        self.clip = clip
    }

    @inlinable
    public func accept(_ gradient: Scalar, at i: Int) {
        let w = decay * omega[i] + tau * min(max(gradient, -clip), clip)
        omega[i] = w
        theta[i] -= rate * w
    }

    @inlinable
    public func acceptRow(scale: Scalar, values: UnsafePointer<Scalar>, count: Int, at offset: Int) {
        let (t, o) = (theta + offset, omega + offset)
        for c in 0..<count {
            let w = decay * o[c] + tau * min(max(scale * values[c], -clip), clip)
            o[c] = w
            t[c] -= rate * w
        }
    }
}

/// (E2)/(E4) with the paper's local ordering: θ moves by the costate from before this step.
public struct LocalIntegrator<Scalar: BinaryFloatingPoint>: GradientSink {
    @usableFromInline let theta, omega: UnsafeMutablePointer<Scalar>
    @usableFromInline let decay, tau, rate, clip: Scalar

    @inlinable
    public init(parameters: UnsafeMutablePointer<Scalar>, costate: UnsafeMutablePointer<Scalar>, tau: Scalar, beta: Scalar, eta: Scalar, clip: Scalar) {
        theta = parameters
        omega = costate
        decay = 1 - tau * eta
        self.tau = tau
        rate = tau * beta
        self.clip = clip
    }

    @inlinable
    public func accept(_ gradient: Scalar, at i: Int) {
        let old = omega[i]
        omega[i] = decay * old + tau * min(max(gradient, -clip), clip)
        theta[i] -= rate * old
    }

    @inlinable
    public func acceptRow(scale: Scalar, values: UnsafePointer<Scalar>, count: Int, at offset: Int) {
        let (t, o) = (theta + offset, omega + offset)
        for c in 0..<count {
            let old = o[c]
            o[c] = decay * old + tau * min(max(scale * values[c], -clip), clip)
            t[c] -= rate * old
        }
    }
}
