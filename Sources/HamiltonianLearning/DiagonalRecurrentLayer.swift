import RealModule
import SeededRandom

/// An LRU layer: h ← λ ⊙ h + B u with complex λ = exp(−e^ν + i e^ϕ), so |λ| < 1 for every ν;
/// its output is a = Re(C h) + D u + c.
///
/// It learns λ and B without storing past activations, by the forward costate or by exact
/// diagonal traces (design note §4). Complex tensors are stored as separate real and imaginary
/// parts. All buffers are allocated at construction; no method allocates.
public final class DiagonalRecurrentLayer<Scalar: Real & BinaryFloatingPoint> {
    /// ν is kept in this range after every update: |λ| ≤ exp(−e^−9) ≈ 0.99988, still < 1 in Float.
    public static var nuLogRange: ClosedRange<Scalar> { -9...4 }
    /// Keeps e^ϕ finite; the phase itself wraps.
    public static var phaseLogRange: ClosedRange<Scalar> { -20...4 }

    public let inputCount, stateCount, hiddenCount: Int
    public let gradientMode: RecurrentGradientMode
    @usableFromInline let nuOffset, phaseOffset, bReOffset, bImOffset: Int
    @usableFromInline let cReOffset, cImOffset, dOffset, biasOffset: Int

    // Recurrent state, its costate (costate mode) and its traces (traces mode).
    public let hRe, hIm, zRe, zIm, eRe, eIm, traceBRe, traceBIm: ScalarBuffer<Scalar>
    // Derived from θ by `parametersDidChange`.
    @usableFromInline let lambdaRe, lambdaIm, expNu, expPhase: ScalarBuffer<Scalar>
    // Per-step scratch.
    @usableFromInline let negatedHIm, deltaRe, deltaIm, gLambdaRe, gLambdaIm, previousRe, previousIm: ScalarBuffer<Scalar>
    @usableFromInline let rowRe, rowIm: ScalarBuffer<Scalar>

    /// Registers the layer's tensors as `name.nu_log`, `name.B_re`, …; `Forecaster` keeps "recurrent",
    /// so its checkpoints' names do not change.
    public init(
        inputCount: Int, stateCount: Int, hiddenCount: Int, gradientMode: RecurrentGradientMode,
        layout: inout ParameterLayout, name: String = "recurrent"
    ) {
        self.inputCount = inputCount
        self.stateCount = stateCount
        self.hiddenCount = hiddenCount
        self.gradientMode = gradientMode
        nuOffset = layout.add("\(name).nu_log", shape: [stateCount])
        phaseOffset = layout.add("\(name).phase_log", shape: [stateCount])
        bReOffset = layout.add("\(name).B_re", shape: [stateCount, inputCount])
        bImOffset = layout.add("\(name).B_im", shape: [stateCount, inputCount])
        cReOffset = layout.add("\(name).C_re", shape: [hiddenCount, stateCount])
        cImOffset = layout.add("\(name).C_im", shape: [hiddenCount, stateCount])
        dOffset = layout.add("\(name).D", shape: [hiddenCount, inputCount])
        biasOffset = layout.add("\(name).bias", shape: [hiddenCount])
        let n = stateCount
        let traces = gradientMode == .traces
        let costate = gradientMode == .costate
        hRe = ScalarBuffer(count: n)
        hIm = ScalarBuffer(count: n)
        zRe = ScalarBuffer(count: costate ? n : 0)
        zIm = ScalarBuffer(count: costate ? n : 0)
        eRe = ScalarBuffer(count: traces ? n : 0)
        eIm = ScalarBuffer(count: traces ? n : 0)
        traceBRe = ScalarBuffer(count: traces ? n * inputCount : 0)
        traceBIm = ScalarBuffer(count: traces ? n * inputCount : 0)
        lambdaRe = ScalarBuffer(count: n)
        lambdaIm = ScalarBuffer(count: n)
        expNu = ScalarBuffer(count: n)
        expPhase = ScalarBuffer(count: n)
        negatedHIm = ScalarBuffer(count: n)
        deltaRe = ScalarBuffer(count: n)
        deltaIm = ScalarBuffer(count: n)
        gLambdaRe = ScalarBuffer(count: n)
        gLambdaIm = ScalarBuffer(count: n)
        previousRe = ScalarBuffer(count: n)
        previousIm = ScalarBuffer(count: n)
        rowRe = ScalarBuffer(count: inputCount)
        rowIm = ScalarBuffer(count: inputCount)
        var named = [StateBuffer(name: "h_re", shape: [n], buffer: hRe), StateBuffer(name: "h_im", shape: [n], buffer: hIm)]
        switch gradientMode {
        case .costate:
            named += [StateBuffer(name: "z_re", shape: [n], buffer: zRe), StateBuffer(name: "z_im", shape: [n], buffer: zIm)]
        case .traces:
            named += [
                StateBuffer(name: "trace_lambda_re", shape: [n], buffer: eRe),
                StateBuffer(name: "trace_lambda_im", shape: [n], buffer: eIm),
                StateBuffer(name: "trace_B_re", shape: [n, inputCount], buffer: traceBRe),
                StateBuffer(name: "trace_B_im", shape: [n, inputCount], buffer: traceBIm),
            ]
        }
        stateBuffers = named
    }

    /// The state and whatever the gradient mode carries with it, named for checkpoints.
    public let stateBuffers: [StateBuffer<Scalar>]

    /// LRU initialisation: |λ| uniform in [rMin, rMax], arg λ uniform in [0, maxPhase],
    /// B scaled by √(1 − |λ|²) so every unit starts with unit gain.
    public func initialize(
        parameters p: UnsafeMutablePointer<Scalar>, configuration: ForecasterConfiguration,
        generator: inout SeededGenerator
    ) {
        initialize(
            parameters: p, minimumRadius: configuration.minimumRadius, maximumRadius: configuration.maximumRadius,
            maximumPhase: configuration.maximumPhase, generator: &generator)
    }

    /// The same initialisation for any owner of the layer (a deep forecaster's blocks).
    public func initialize(
        parameters p: UnsafeMutablePointer<Scalar>, minimumRadius rMin: Double, maximumRadius rMax: Double,
        maximumPhase: Double, generator: inout SeededGenerator
    ) {
        for n in 0..<stateCount {
            let u = generator.nextUnit()
            let radius = (u * (rMax * rMax - rMin * rMin) + rMin * rMin).squareRoot()
            let phase = max(generator.nextUnit() * maximumPhase, 1e-6)
            p[nuOffset + n] = Scalar(Double.log(-Double.log(radius)))
            p[phaseOffset + n] = Scalar(Double.log(phase))
            let gain = (1 - radius * radius).squareRoot() / (2 * Double(inputCount)).squareRoot()
            for j in 0..<inputCount {
                p[bReOffset + n * inputCount + j] = Scalar(generator.nextGaussian() * gain)
                p[bImOffset + n * inputCount + j] = Scalar(generator.nextGaussian() * gain)
            }
        }
        let cScale = 1 / Double(stateCount).squareRoot()
        for i in 0..<(hiddenCount * stateCount) {
            p[cReOffset + i] = Scalar(generator.nextGaussian() * cScale)
            p[cImOffset + i] = Scalar(generator.nextGaussian() * cScale)
        }
        let dScale = 1 / Double(inputCount).squareRoot()
        for i in 0..<(hiddenCount * inputCount) { p[dOffset + i] = Scalar(generator.nextGaussian() * dScale) }
        for i in 0..<hiddenCount { p[biasOffset + i] = 0 }
    }

    /// Clamps ν and ϕ into their ranges and recomputes λ, e^ν and e^ϕ.
    @inlinable
    public func parametersDidChange(_ p: UnsafeMutablePointer<Scalar>) {
        let nuRange = Self.nuLogRange
        let phaseRange = Self.phaseLogRange
        for n in 0..<stateCount {
            // A NaN weight must not make |λ| ≥ 1: it maps to the fastest-decaying unit.
            let rawNu = p[nuOffset + n], rawPhase = p[phaseOffset + n]
            let nu = rawNu.isNaN ? nuRange.upperBound : min(max(rawNu, nuRange.lowerBound), nuRange.upperBound)
            let phase = rawPhase.isNaN ? 0 : min(max(rawPhase, phaseRange.lowerBound), phaseRange.upperBound)
            p[nuOffset + n] = nu
            p[phaseOffset + n] = phase
            let en = Scalar.exp(nu)
            let ep = Scalar.exp(phase)
            let radius = Scalar.exp(-en)
            expNu[n] = en
            expPhase[n] = ep
            lambdaRe[n] = radius * Scalar.cos(ep)
            lambdaIm[n] = radius * Scalar.sin(ep)
        }
    }

    /// a = c + D u + Re(C h), for the current h.
    @inlinable
    public func forward(input u: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output a: UnsafeMutablePointer<Scalar>) {
        for n in 0..<stateCount { negatedHIm[n] = -hIm[n] }
        a.update(from: p + biasOffset, count: hiddenCount)
        DenseKernels.multiply(p + dOffset, rows: hiddenCount, columns: inputCount, u, into: a, accumulate: true)
        DenseKernels.multiply(p + cReOffset, rows: hiddenCount, columns: stateCount, hRe.pointer, into: a, accumulate: true)
        DenseKernels.multiply(p + cImOffset, rows: hiddenCount, columns: stateCount, negatedHIm.pointer, into: a, accumulate: true)
    }

    /// Given ga = ∂(φL)/∂a for the last forward, delivers ∂H'/∂θ of this layer to `sink` and
    /// advances h (and z or the traces) by one step with input u and the θ of before the step.
    /// With `inputGradient`, also writes Dᵀ ga there: ∂(φL)/∂u through this step's direct path only
    /// (h depends on past inputs, not on u), which is what a block below needs in depth.
    ///
    /// Order matters when the sink updates θ: C is read (for δ) and D (for Dᵀ ga) before their
    /// entries are delivered, and the state advances (reading B and λ) before B's, ν's and ϕ's are.
    @inlinable
    public func backward<S: GradientSink>(
        input u: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, outputGradient ga: UnsafePointer<Scalar>,
        sink: S, step: EulerStep<Scalar>, inputGradient: UnsafeMutablePointer<Scalar>? = nil
    ) where S.Scalar == Scalar {
        let (n, i, h) = (stateCount, inputCount, hiddenCount)
        // δ = φ ∂L/∂h as a complex vector: δ = Cᴴ ga restricted to the real read-out.
        DenseKernels.transposedProductThenOuter(
            p + cReOffset, rows: h, columns: n, ga, into: deltaRe.pointer, outerWith: hRe.pointer, sink: sink, at: cReOffset)
        DenseKernels.transposedProductThenOuter(
            p + cImOffset, rows: h, columns: n, ga, into: deltaIm.pointer, scale: -1, outerWith: negatedHIm.pointer,
            sink: sink, at: cImOffset)
        if let inputGradient {
            DenseKernels.transposedProductThenOuter(
                p + dOffset, rows: h, columns: i, ga, into: inputGradient, outerWith: u, sink: sink, at: dOffset)
        } else {
            DenseKernels.outer(ga, u, rows: h, columns: i, into: sink, at: dOffset)
        }
        DenseKernels.deliver(ga, count: h, into: sink, at: biasOffset)
        previousRe.pointer.update(from: hRe.pointer, count: n)
        previousIm.pointer.update(from: hIm.pointer, count: n)
        switch gradientMode {
        case .traces:
            if !fusedTracesStep(input: u, parameters: p, sink: sink) {
                advanceState(input: u, parameters: p)
                tracesGradientAndAdvance(input: u, sink: sink)
            }
        case .costate:
            advanceState(input: u, parameters: p)
            costateGradientAndAdvance(input: u, sink: sink, step: step)
        }
        chainLambdaGradient(into: sink)
    }

    /// ∂L/∂λ = conj(e) δ and ∂L/∂B = conj(E) δ (exact RTRL), then e ← λe + h, E ← λE + 1uᵀ,
    /// with h the state before this step.
    @inlinable
    func tracesGradientAndAdvance<S: GradientSink>(input u: UnsafePointer<Scalar>, sink: S) where S.Scalar == Scalar {
        let i = inputCount
        for n in 0..<stateCount {
            let (dr, di) = (deltaRe[n], deltaIm[n])
            let (lr, li) = (lambdaRe[n], lambdaIm[n])
            let (er, ei) = (eRe[n], eIm[n])
            gLambdaRe[n] = er * dr + ei * di
            gLambdaIm[n] = er * di - ei * dr
            eRe[n] = lr * er - li * ei + previousRe[n]
            eIm[n] = lr * ei + li * er + previousIm[n]
            let tRe = traceBRe.pointer + n * i
            let tIm = traceBIm.pointer + n * i
            let (gRe, gIm) = (rowRe.pointer, rowIm.pointer)
            for j in 0..<i {
                let (tr, ti) = (tRe[j], tIm[j])
                gRe[j] = tr * dr + ti * di
                gIm[j] = tr * di - ti * dr
                tRe[j] = lr * tr - li * ti + u[j]
                tIm[j] = lr * ti + li * tr
            }
            sink.acceptRow(scale: 1, values: gRe, count: i, at: bReOffset + n * i)
            sink.acceptRow(scale: 1, values: gIm, count: i, at: bImOffset + n * i)
        }
    }

    /// `advanceState` then `tracesGradientAndAdvance` in one pass over B, its costate and its
    /// traces, when the sink is a `WeightIntegrator` on `p` and `Scalar` is `Float` or `Double`
    /// (the same arithmetic, the same bits). Returns false, having done nothing, otherwise.
    @inlinable
    func fusedTracesStep<S: GradientSink>(
        input u: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, sink: S
    ) -> Bool where S.Scalar == Scalar {
        guard let integrator = sink as? WeightIntegrator<Scalar>, p == UnsafePointer(integrator.theta) else { return false }
        if Scalar.self == Float.self {
            integrator.withLanes(TracesStep<Float>(self, input: u))
            return true
        }
        if Scalar.self == Double.self {
            integrator.withLanes(TracesStep<Double>(self, input: u))
            return true
        }
        return false
    }

    /// ∂H'/∂λ = conj(h) z / τ and ∂H'/∂B = z uᵀ / τ (the zᵀḣ term), then z ← (conj λ − τη) z + τδ,
    /// with h the state before this step.
    @inlinable
    func costateGradientAndAdvance<S: GradientSink>(
        input u: UnsafePointer<Scalar>, sink: S, step: EulerStep<Scalar>
    ) where S.Scalar == Scalar {
        let i = inputCount
        let inverseTau = 1 / step.tau
        let damping = step.tau * step.eta
        for n in 0..<stateCount {
            let (zr, zi) = (zRe[n], zIm[n])
            let (hr, hi) = (previousRe[n], previousIm[n])
            gLambdaRe[n] = (hr * zr + hi * zi) * inverseTau
            gLambdaIm[n] = (hr * zi - hi * zr) * inverseTau
            DenseKernels.outer(zRe.pointer + n, u, rows: 1, columns: i, into: sink, at: bReOffset + n * i, scale: inverseTau)
            DenseKernels.outer(zIm.pointer + n, u, rows: 1, columns: i, into: sink, at: bImOffset + n * i, scale: inverseTau)
            let (lr, li) = (lambdaRe[n], lambdaIm[n])
            zRe[n] = (lr - damping) * zr + li * zi + step.tau * deltaRe[n]
            zIm[n] = (lr - damping) * zi - li * zr + step.tau * deltaIm[n]
        }
    }

    /// From ∂/∂λ to ∂/∂ν and ∂/∂ϕ through λ = exp(w), w = −e^ν + i e^ϕ.
    @inlinable
    func chainLambdaGradient<S: GradientSink>(into sink: S) where S.Scalar == Scalar {
        for n in 0..<stateCount {
            let (lr, li) = (lambdaRe[n], lambdaIm[n])
            let (gr, gi) = (gLambdaRe[n], gLambdaIm[n])
            let gwRe = lr * gr + li * gi
            let gwIm = lr * gi - li * gr
            sink.accept(-expNu[n] * gwRe, at: nuOffset + n)
            sink.accept(expPhase[n] * gwIm, at: phaseOffset + n)
        }
    }

    /// h ← λ ⊙ h + B u: the instantaneous form, so one Euler step gives exactly f̂(u, h).
    @inlinable
    func advanceState(input u: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>) {
        let i = inputCount
        for n in 0..<stateCount {
            let (lr, li) = (lambdaRe[n], lambdaIm[n])
            let (hr, hi) = (hRe[n], hIm[n])
            hRe[n] = lr * hr - li * hi + DenseKernels.dot(p + bReOffset + n * i, u, count: i)
            hIm[n] = lr * hi + li * hr + DenseKernels.dot(p + bImOffset + n * i, u, count: i)
        }
    }
}

/// The traces step of `DiagonalRecurrentLayer` fused with the state advance and the integration
/// of B: per unit n, h ← λh + B u with the old B, ∂L/∂λ = conj(e) δ, e ← λe + h, and per entry of
/// row n of B: ∂L/∂B = conj(E) δ, E ← λE + u, then ω and θ of B move; each B entry is loaded once.
@usableFromInline
struct TracesStep<Lane: VectorScalar>: LaneIntegratorBody {
    @usableFromInline let stateCount, inputCount, bReOffset, bImOffset: Int
    @usableFromInline let u, lambdaRe, lambdaIm, deltaRe, deltaIm: UnsafePointer<Lane>
    @usableFromInline let hRe, hIm, eRe, eIm, traceBRe, traceBIm, gLambdaRe, gLambdaIm: UnsafeMutablePointer<Lane>

    @inlinable
    init<Scalar>(_ layer: DiagonalRecurrentLayer<Scalar>, input: UnsafePointer<Scalar>) {
        func c(_ b: ScalarBuffer<Scalar>) -> UnsafeMutablePointer<Lane> { DenseKernels.cast(b.pointer, Lane.self) }
        stateCount = layer.stateCount
        inputCount = layer.inputCount
        bReOffset = layer.bReOffset
        bImOffset = layer.bImOffset
        u = DenseKernels.cast(input, Lane.self)
        lambdaRe = UnsafePointer(c(layer.lambdaRe))
        lambdaIm = UnsafePointer(c(layer.lambdaIm))
        deltaRe = UnsafePointer(c(layer.deltaRe))
        deltaIm = UnsafePointer(c(layer.deltaIm))
        (hRe, hIm, eRe, eIm) = (c(layer.hRe), c(layer.hIm), c(layer.eRe), c(layer.eIm))
        (traceBRe, traceBIm, gLambdaRe, gLambdaIm) = (c(layer.traceBRe), c(layer.traceBIm), c(layer.gLambdaRe), c(layer.gLambdaIm))
    }

    @inlinable
    func run<C: StaticFlag, N: StaticFlag, U: StaticFlag>(_ lanes: LaneIntegrator<Lane, C, N, U>) {
        let i = inputCount
        let whole = i & ~7
        let theta = lanes.theta
        for n in 0..<stateCount {
            let (dr, di) = (deltaRe[n], deltaIm[n])
            let (lr, li) = (lambdaRe[n], lambdaIm[n])
            let (er, ei) = (eRe[n], eIm[n])
            let (hr, hi) = (hRe[n], hIm[n])
            gLambdaRe[n] = er * dr + ei * di
            gLambdaIm[n] = er * di - ei * dr
            eRe[n] = lr * er - li * ei + hr
            eIm[n] = lr * ei + li * er + hi
            let (bRe, bIm) = (bReOffset &+ n &* i, bImOffset &+ n &* i)
            let (tRe, tIm) = (traceBRe + n &* i, traceBIm + n &* i)
            let (drv, div, lrv, liv) = (Lane.lanes(dr), Lane.lanes(di), Lane.lanes(lr), Lane.lanes(li))
            var (sumRe, sumIm) = (SIMD8<Lane>(), SIMD8<Lane>())
            var j = 0
            while j < whole {
                let uv = Lane.load(u + j)
                let bre = Lane.load(theta + (bRe &+ j)), bim = Lane.load(theta + (bIm &+ j))
                sumRe = Lane.addProduct(sumRe, bre, uv)
                sumIm = Lane.addProduct(sumIm, bim, uv)
                let tr = Lane.load(tRe + j), ti = Lane.load(tIm + j)
                let gRe = Lane.addProduct(Lane.multiply(tr, drv), ti, div)  // tr δr + ti δi
                let gIm = Lane.subtractProduct(Lane.multiply(tr, div), ti, drv)  // tr δi − ti δr
                Lane.store(Lane.add(Lane.subtractProduct(Lane.multiply(lrv, tr), liv, ti), uv), tRe + j)  // λr tr − λi ti + u
                Lane.store(Lane.addProduct(Lane.multiply(lrv, ti), liv, tr), tIm + j)  // λr ti + λi tr
                lanes.update(gRe, current: bre, at: bRe &+ j)
                lanes.update(gIm, current: bim, at: bIm &+ j)
                j &+= 8
            }
            while j < i {
                let bre = theta[bRe &+ j], bim = theta[bIm &+ j]
                sumRe[0] += bre * u[j]
                sumIm[0] += bim * u[j]
                let (tr, ti) = (tRe[j], tIm[j])
                let gRe = tr * dr + ti * di
                let gIm = tr * di - ti * dr
                tRe[j] = lr * tr - li * ti + u[j]
                tIm[j] = lr * ti + li * tr
                lanes.update(gRe, current: bre, at: bRe &+ j)
                lanes.update(gIm, current: bim, at: bIm &+ j)
                j += 1
            }
            hRe[n] = lr * hr - li * hi + Lane.sum(sumRe)
            hIm[n] = lr * hi + li * hr + Lane.sum(sumIm)
        }
    }
}
