import RealModule

/// A deep forecaster's network unrolled over a chunk of steps: the exact gradient of the chunk's
/// summed loss with respect to θ, through time and through depth, the states entering the chunk
/// held constant (truncated BPTT). Reference only: it keeps every activation of the chunk, so its
/// memory grows with the chunk's length and the depth.
///
/// It is written from the equations with plain loops over the tensors found by name in the model's
/// layout, apart from the blocks' kernels, so that it checks them as much as it serves as a peer:
/// per unit, a = Re(C h) + D r + c (h before this step), h ← λ h + B r, and the stream gets
/// M GELU(a) + m on the unit's `writes` from its `reads` (see `ResidualRecurrentBlock`).
public final class UnrolledDeepNetwork<Scalar: Real & BinaryFloatingPoint> {
    @usableFromInline struct Unit {
        @usableFromInline let reads, writes: Range<Int>
        @usableFromInline let nu, phase, bRe, bIm, cRe, cIm, d, bias, mixWeight, mixBias: Int
    }

    public let capacity: Int
    @usableFromInline let units: [Unit]
    @usableFromInline let width, inputCount, outputCount, stateCount, hiddenCount, parameterCount: Int
    @usableFromInline let projectionWeight, projectionBias, readoutWeight, readoutBias, skip: Int
    /// Every unit's state, re ++ im per unit, carried from one chunk to the next.
    public let state: ScalarBuffer<Scalar>
    /// Steps recorded in the current chunk.
    public var count: Int { recorded }
    @usableFromInline var recorded = 0
    // Per recorded step: the input, the residual stream before every unit and after the last,
    // every unit's state before the step and its pre-activation, and ∂L/∂y. Buffers, not arrays,
    // and inlinable methods: a peer run for minutes in `hamlet-quality` must be specialised.
    @usableFromInline let inputs, streams, previousStates, preactivations, outputGradients: ScalarBuffer<Scalar>
    @usableFromInline let lambdaGradient, adjoint, nextAdjoint, streamGradient, unitGradient, hiddenGradient: ScalarBuffer<Scalar>
    @usableFromInline let activated, slopes: ScalarBuffer<Scalar>

    /// Reads the network's shape and tensor offsets from `model`; θ stays the caller's.
    public init(model: DeepForecaster<Scalar>, capacity: Int) {
        precondition(capacity >= 1, "a chunk holds at least one step")
        let layout = model.layout
        func offset(_ name: String) -> Int {
            guard let tensor = layout.tensor(named: name) else { preconditionFailure("no tensor \(name)") }
            return tensor.offset
        }
        units = model.blocks.map { block in
            let r = "\(block.name).recurrent"
            return Unit(
                reads: block.reads, writes: block.writes, nu: offset("\(r).nu_log"), phase: offset("\(r).phase_log"),
                bRe: offset("\(r).B_re"), bIm: offset("\(r).B_im"), cRe: offset("\(r).C_re"), cIm: offset("\(r).C_im"),
                d: offset("\(r).D"), bias: offset("\(r).bias"), mixWeight: offset("\(block.name).mix.weight"),
                mixBias: offset("\(block.name).mix.bias"))
        }
        self.capacity = capacity
        let configuration = model.configuration
        (width, inputCount, outputCount) = (configuration.width, configuration.inputCount, configuration.outputCount)
        (stateCount, hiddenCount, parameterCount) = (configuration.stateCount, configuration.hiddenCount, layout.count)
        (projectionWeight, projectionBias) = (offset("input.weight"), offset("input.bias"))
        (readoutWeight, readoutBias, skip) = (offset("readout.weight"), offset("readout.bias"), offset("skip.weight"))
        let u = units.count
        state = ScalarBuffer(count: u * 2 * stateCount)
        inputs = ScalarBuffer(count: capacity * inputCount)
        streams = ScalarBuffer(count: capacity * (u + 1) * width)
        previousStates = ScalarBuffer(count: capacity * u * 2 * stateCount)
        preactivations = ScalarBuffer(count: capacity * u * hiddenCount)
        outputGradients = ScalarBuffer(count: capacity * outputCount)
        lambdaGradient = ScalarBuffer(count: u * 2 * stateCount)
        adjoint = ScalarBuffer(count: u * 2 * stateCount)
        nextAdjoint = ScalarBuffer(count: 2 * stateCount)
        activated = ScalarBuffer(count: hiddenCount)
        slopes = ScalarBuffer(count: hiddenCount)
        streamGradient = ScalarBuffer(count: width)
        unitGradient = ScalarBuffer(count: width)
        hiddenGradient = ScalarBuffer(count: hiddenCount)
    }

    @inlinable
    static func gelu(_ a: Scalar) -> (value: Scalar, slope: Scalar) {
        let cdf = (1 + Scalar.erf(a / Scalar.sqrt(2))) / 2
        let pdf = Scalar.exp(-a * a / 2) / Scalar.sqrt(2 * Scalar.pi)
        return (a * cdf, cdf + a * pdf)
    }

    @inlinable
    static func lambda(_ p: UnsafePointer<Scalar>, _ unit: Unit, _ n: Int) -> (re: Scalar, im: Scalar) {
        let radius = Scalar.exp(-Scalar.exp(p[unit.nu + n]))
        let angle = Scalar.exp(p[unit.phase + n])
        return (radius * Scalar.cos(angle), radius * Scalar.sin(angle))
    }

    /// Predicts y for `input`, records the step and advances the states. Up to `capacity` steps per chunk.
    @inlinable
    public func forward(input: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>) {
        precondition(count < capacity, "the chunk is full: call backward first")
        let (s, n, h, w) = (count, stateCount, hiddenCount, width)
        for j in 0..<inputCount { inputs[s * inputCount + j] = input[j] }
        let base = s * (units.count + 1) * w
        for i in 0..<w {
            var sum = p[projectionBias + i]
            for j in 0..<inputCount { sum += p[projectionWeight + i * inputCount + j] * input[j] }
            streams[base + i] = sum
        }
        for (k, unit) in units.enumerated() {
            let (x, next) = (base + k * w, base + (k + 1) * w)
            for i in 0..<w { streams[next + i] = streams[x + i] }
            let r = x + unit.reads.lowerBound, i = unit.reads.count
            let hState = k * 2 * n
            let saved = (s * units.count + k) * 2 * n
            for m in 0..<(2 * n) { previousStates[saved + m] = state[hState + m] }
            for row in 0..<h {
                var a = p[unit.bias + row]
                for j in 0..<i { a += p[unit.d + row * i + j] * streams[r + j] }
                for m in 0..<n {
                    a += p[unit.cRe + row * n + m] * state[hState + m] - p[unit.cIm + row * n + m] * state[hState + n + m]
                }
                preactivations[(s * units.count + k) * h + row] = a
                activated[row] = Self.gelu(a).value
            }
            for (c, target) in unit.writes.enumerated() {
                var f = p[unit.mixBias + c]
                for row in 0..<h { f += p[unit.mixWeight + c * h + row] * activated[row] }
                streams[next + target] += f
            }
            for m in 0..<n {
                let (lr, li) = Self.lambda(p, unit, m)
                let (re, im) = (state[hState + m], state[hState + n + m])
                var driveRe: Scalar = 0, driveIm: Scalar = 0
                for j in 0..<i {
                    driveRe += p[unit.bRe + m * i + j] * streams[r + j]
                    driveIm += p[unit.bIm + m * i + j] * streams[r + j]
                }
                state[hState + m] = lr * re - li * im + driveRe
                state[hState + n + m] = lr * im + li * re + driveIm
            }
        }
        let top = base + units.count * w
        for o in 0..<outputCount {
            var sum = p[readoutBias + o]
            for i in 0..<w { sum += p[readoutWeight + o * w + i] * streams[top + i] }
            for j in 0..<inputCount { sum += p[skip + o * inputCount + j] * input[j] }
            y[o] = sum
        }
    }

    /// Records ∂L/∂y of the last forward; the step then counts in the chunk.
    @inlinable
    public func record(outputGradient gy: UnsafePointer<Scalar>) {
        for o in 0..<outputCount { outputGradients[count * outputCount + o] = gy[o] }
        recorded += 1
    }

    /// Writes ∂(Σ L)/∂θ over the recorded steps into `gradient` (overwriting it) and starts a new chunk.
    @inlinable
    public func backward(parameters p: UnsafePointer<Scalar>, gradient g: UnsafeMutablePointer<Scalar>) {
        let (n, w, ci) = (stateCount, width, inputCount)
        g.update(repeating: 0, count: parameterCount)
        lambdaGradient.zero()
        // ∂L/∂h of the last state of the chunk is zero: what it does later is not credited.
        adjoint.zero()
        for s in stride(from: count - 1, through: 0, by: -1) {
            let gy = s * outputCount, u = s * ci
            let base = s * (units.count + 1) * w
            let top = base + units.count * w
            for i in 0..<w { streamGradient[i] = 0 }
            for o in 0..<outputCount {
                let go = outputGradients[gy + o]
                g[readoutBias + o] += go
                for i in 0..<w {
                    g[readoutWeight + o * w + i] += go * streams[top + i]
                    streamGradient[i] += p[readoutWeight + o * w + i] * go
                }
                for j in 0..<ci { g[skip + o * ci + j] += go * inputs[u + j] }
            }
            for k in stride(from: units.count - 1, through: 0, by: -1) {
                backwardUnit(k, step: s, parameters: p, gradient: g)
            }
            for i in 0..<w {
                g[projectionBias + i] += streamGradient[i]
                for j in 0..<ci { g[projectionWeight + i * ci + j] += streamGradient[i] * inputs[u + j] }
            }
        }
        for (k, unit) in units.enumerated() {
            for m in 0..<n {
                let (lr, li) = Self.lambda(p, unit, m)
                let (gr, gi) = (lambdaGradient[k * 2 * n + m], lambdaGradient[k * 2 * n + n + m])
                g[unit.nu + m] += -Scalar.exp(p[unit.nu + m]) * (gr * lr + gi * li)
                g[unit.phase + m] += Scalar.exp(p[unit.phase + m]) * (gi * lr - gr * li)
            }
        }
        recorded = 0
    }

    /// Unit k of step s: turns `streamGradient` from ∂L/∂(its output) into ∂L/∂(its input), adds
    /// its θ's share and carries ∂L/∂h back one step in `adjoint`.
    @inlinable
    func backwardUnit(_ k: Int, step s: Int, parameters p: UnsafePointer<Scalar>, gradient g: UnsafeMutablePointer<Scalar>) {
        let (n, h, w) = (stateCount, hiddenCount, width)
        let unit = units[k]
        let i = unit.reads.count
        let r = s * (units.count + 1) * w + k * w + unit.reads.lowerBound
        let previous = (s * units.count + k) * 2 * n
        let pre = (s * units.count + k) * h
        let carried = k * 2 * n
        for row in 0..<h {
            hiddenGradient[row] = 0
            (activated[row], slopes[row]) = Self.gelu(preactivations[pre + row])
        }
        for (c, target) in unit.writes.enumerated() {
            let gf = streamGradient[target]
            g[unit.mixBias + c] += gf
            for row in 0..<h {
                g[unit.mixWeight + c * h + row] += gf * activated[row]
                hiddenGradient[row] += p[unit.mixWeight + c * h + row] * gf
            }
        }
        for j in 0..<i { unitGradient[j] = 0 }
        for m in 0..<(2 * n) { nextAdjoint[m] = 0 }
        for row in 0..<h {
            let ga = hiddenGradient[row] * slopes[row]
            g[unit.bias + row] += ga
            for j in 0..<i {
                g[unit.d + row * i + j] += ga * streams[r + j]
                unitGradient[j] += p[unit.d + row * i + j] * ga
            }
            for m in 0..<n {
                g[unit.cRe + row * n + m] += ga * previousStates[previous + m]
                g[unit.cIm + row * n + m] -= ga * previousStates[previous + n + m]
                nextAdjoint[m] += p[unit.cRe + row * n + m] * ga
                nextAdjoint[n + m] -= p[unit.cIm + row * n + m] * ga
            }
        }
        for m in 0..<n {
            let (mr, mi) = (adjoint[carried + m], adjoint[carried + n + m])
            let (hr, hi) = (previousStates[previous + m], previousStates[previous + n + m])
            let (lr, li) = Self.lambda(p, unit, m)
            for j in 0..<i {
                g[unit.bRe + m * i + j] += mr * streams[r + j]
                g[unit.bIm + m * i + j] += mi * streams[r + j]
                unitGradient[j] += p[unit.bRe + m * i + j] * mr + p[unit.bIm + m * i + j] * mi
            }
            lambdaGradient[carried + m] += mr * hr + mi * hi
            lambdaGradient[carried + n + m] += mi * hr - mr * hi
            nextAdjoint[m] += lr * mr + li * mi
            nextAdjoint[n + m] += lr * mi - li * mr
        }
        for m in 0..<(2 * n) { adjoint[carried + m] = nextAdjoint[m] }
        for (j, source) in unit.reads.enumerated() { streamGradient[source] += unitGradient[j] }
    }
}
