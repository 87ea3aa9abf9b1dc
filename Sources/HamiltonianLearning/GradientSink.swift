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

    /// Two loops rather than a branch per entry, so each vectorises; `Float` and `Double` run
    /// explicit 8-lane vectors with exactly the scalar arithmetic per lane (the same bits).
    @inlinable
    public func acceptRow(scale: Scalar, values: UnsafePointer<Scalar>, count: Int, at offset: Int) {
        if Scalar.self == Float.self {
            return withLanes(IntegrateRow(
                scale: unsafeBitCast(scale, to: Float.self), values: DenseKernels.cast(values, Float.self), count: count, offset: offset))
        }
        if Scalar.self == Double.self {
            return withLanes(IntegrateRow(
                scale: unsafeBitCast(scale, to: Double.self), values: DenseKernels.cast(values, Double.self), count: count, offset: offset))
        }
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

// MARK: - Fused kernels for `Float` and `Double`

/// A compile-time Boolean, so each combination of integrator options gets its own loop
/// without a test per entry.
@usableFromInline protocol StaticFlag { static var value: Bool { get } }
@usableFromInline enum StaticTrue: StaticFlag {
    @inlinable static var value: Bool { true }
}
@usableFromInline enum StaticFalse: StaticFlag {
    @inlinable static var value: Bool { false }
}

/// `WeightIntegrator`'s update on 8-lane vectors, with `Clamps` (a finite clip), `NewCostate`
/// (BP ordering) and `UnitTau` (τ = 1, so τ·g = g exactly) fixed at compile time. Each lane does
/// exactly the arithmetic of `accept`.
@usableFromInline
struct LaneIntegrator<T: VectorScalar, Clamps: StaticFlag, NewCostate: StaticFlag, UnitTau: StaticFlag> {
    @usableFromInline let theta, omega: UnsafeMutablePointer<T>
    @usableFromInline let decay, tau, rate, limit: T
    @usableFromInline let decayLanes, tauLanes, rateLanes: SIMD8<T>

    @inlinable @inline(__always)
    init(_ integrator: WeightIntegrator<some BinaryFloatingPoint>) {
        theta = DenseKernels.cast(integrator.theta, T.self)
        omega = DenseKernels.cast(integrator.omega, T.self)
        decay = unsafeBitCast(integrator.decay, to: T.self)
        tau = unsafeBitCast(integrator.tau, to: T.self)
        rate = unsafeBitCast(integrator.rate, to: T.self)
        limit = unsafeBitCast(integrator.clip, to: T.self)
        decayLanes = T.lanes(decay)
        tauLanes = T.lanes(tau)
        rateLanes = T.lanes(rate)
    }

    /// ω[i..<i+8] and θ[i..<i+8] for gradient g, where `current` is θ[i..<i+8] as already loaded.
    @inlinable @inline(__always)
    func update(_ g: SIMD8<T>, current: SIMD8<T>, at i: Int) {
        let g = Clamps.value ? T.clamp(g, limit) : g
        let old = T.load(omega + i)
        let decayed = T.multiply(decayLanes, old)
        let new = UnitTau.value ? T.add(decayed, g) : T.addProduct(decayed, tauLanes, g)
        T.store(new, omega + i)
        T.store(T.subtractProduct(current, rateLanes, NewCostate.value ? new : old), theta + i)
    }

    @inlinable @inline(__always)
    func update(_ g: T, current: T, at i: Int) {
        let g = Clamps.value ? min(max(g, -limit), limit) : g
        let old = omega[i]
        let new = decay * old + (UnitTau.value ? g : tau * g)
        omega[i] = new
        theta[i] = current - rate * (NewCostate.value ? new : old)
    }
}

/// Code that runs a `LaneIntegrator` of whichever variant matches a `WeightIntegrator`.
@usableFromInline
protocol LaneIntegratorBody {
    associatedtype Lane: VectorScalar
    func run<C: StaticFlag, N: StaticFlag, U: StaticFlag>(_ integrator: LaneIntegrator<Lane, C, N, U>)
}

extension WeightIntegrator {
    /// Runs `body` with the lane integrator of this integrator's options.
    @inlinable @inline(__always)
    func withLanes<B: LaneIntegratorBody>(_ body: B) {
        if tau == 1 {
            withLanes(body, unitTau: StaticTrue.self)
        } else {
            withLanes(body, unitTau: StaticFalse.self)
        }
    }

    @inlinable @inline(__always)
    func withLanes<B: LaneIntegratorBody, U: StaticFlag>(_ body: B, unitTau: U.Type) {
        switch (usesNewCostate, clip.isFinite) {
        case (true, false): body.run(LaneIntegrator<B.Lane, StaticFalse, StaticTrue, U>(self))
        case (true, true): body.run(LaneIntegrator<B.Lane, StaticTrue, StaticTrue, U>(self))
        case (false, false): body.run(LaneIntegrator<B.Lane, StaticFalse, StaticFalse, U>(self))
        case (false, true): body.run(LaneIntegrator<B.Lane, StaticTrue, StaticFalse, U>(self))
        }
    }
}

/// x = scale · Aᵀ gy while integrating the gradient gy ⊗ v of A in the same pass: each θ entry
/// is loaded once, used for the product, then updated. A is θ at `offset`.
@usableFromInline
struct TransposedProductAndIntegrate<Lane: VectorScalar>: LaneIntegratorBody {
    @usableFromInline let rows, columns, offset: Int
    @usableFromInline let gy: UnsafePointer<Lane>
    @usableFromInline let x: UnsafeMutablePointer<Lane>
    @usableFromInline let v: UnsafePointer<Lane>
    @usableFromInline let scale: Lane

    @inlinable
    init(rows: Int, columns: Int, offset: Int, gy: UnsafePointer<Lane>, x: UnsafeMutablePointer<Lane>, v: UnsafePointer<Lane>, scale: Lane) {
        (self.rows, self.columns, self.offset, self.gy, self.x, self.v, self.scale) = (rows, columns, offset, gy, x, v, scale)
    }

    @inlinable
    func run<C: StaticFlag, N: StaticFlag, U: StaticFlag>(_ lanes: LaneIntegrator<Lane, C, N, U>) {
        x.update(repeating: 0, count: columns)
        let whole = columns & ~7
        for r in 0..<rows {
            let row = offset &+ r &* columns
            let g = scale * gy[r]
            let (gLanes, sLanes) = (Lane.lanes(g), Lane.lanes(gy[r]))
            var c = 0
            while c < whole {
                let current = Lane.load(lanes.theta + (row &+ c))
                Lane.store(Lane.addProduct(Lane.load(x + c), current, gLanes), x + c)
                lanes.update(Lane.multiply(sLanes, Lane.load(v + c)), current: current, at: row &+ c)
                c &+= 8
            }
            while c < columns {
                let current = lanes.theta[row + c]
                x[c] += current * g
                lanes.update(gy[r] * v[c], current: current, at: row + c)
                c += 1
            }
        }
    }
}

/// `acceptRow` on lanes: g[offset + c] = scale · values[c].
@usableFromInline
struct IntegrateRow<Lane: VectorScalar>: LaneIntegratorBody {
    @usableFromInline let scale: Lane
    @usableFromInline let values: UnsafePointer<Lane>
    @usableFromInline let count, offset: Int

    @inlinable
    init(scale: Lane, values: UnsafePointer<Lane>, count: Int, offset: Int) {
        (self.scale, self.values, self.count, self.offset) = (scale, values, count, offset)
    }

    @inlinable
    func run<C: StaticFlag, N: StaticFlag, U: StaticFlag>(_ lanes: LaneIntegrator<Lane, C, N, U>) {
        let whole = count & ~7
        let sLanes = Lane.lanes(scale)
        var c = 0
        while c < whole {
            let i = offset &+ c
            lanes.update(Lane.multiply(sLanes, Lane.load(values + c)), current: Lane.load(lanes.theta + i), at: i)
            c &+= 8
        }
        while c < count {
            lanes.update(scale * values[c], current: lanes.theta[offset &+ c], at: offset &+ c)
            c += 1
        }
    }
}
