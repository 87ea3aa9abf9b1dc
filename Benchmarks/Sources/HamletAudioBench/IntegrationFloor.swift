/// The least one step of Hamiltonian learning can cost here, whatever the kernels: every
/// parameter's costate ω and weight θ read and written once (ω ← dω + g, θ ← θ − rω), with g a
/// row reused like the outer product g_y ⊗ h. No forward pass, no backward products, no traces:
/// a floor under the learner's time per step, set by how fast this core streams θ and ω.
enum IntegrationFloor {
    /// Best of five runs, in seconds per step, for `parameters` scalars of Float.
    static func secondsPerStep(parameters: Int, steps: Int = 2000) -> Double {
        let vectors = (parameters + 7) / 8
        var theta = [SIMD8<Float>](repeating: SIMD8(repeating: 0.01), count: vectors)
        var omega = [SIMD8<Float>](repeating: SIMD8(repeating: 0.001), count: vectors)
        let row = (0..<16).map { SIMD8<Float>(repeating: Float($0) * 1e-3) }
        let decay = SIMD8<Float>(repeating: 0.5), rate = SIMD8<Float>(repeating: 0.003)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            theta.withUnsafeMutableBufferPointer { t in
                omega.withUnsafeMutableBufferPointer { o in
                    row.withUnsafeBufferPointer { g in
                        for step in 0..<steps {
                            let scale = SIMD8<Float>(repeating: Float(step % 7) * 1e-3)
                            for i in 0..<vectors {
                                let w = decay * o[i] + scale * g[i & 15]
                                o[i] = w
                                t[i] -= rate * w
                            }
                        }
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, seconds / Double(steps))
        }
        // Read back so the stores cannot be dropped.
        floorSink = theta[vectors / 2].sum()
        precondition(theta[vectors / 2].sum().isFinite && omega[0].sum().isFinite, "the floor loop diverged")
        return best
    }

    /// Best of five runs, in seconds per pass, of reading `parameters` Floats once: what a
    /// forward pass over every weight costs at the least, before any arithmetic.
    static func secondsPerRead(parameters: Int, passes: Int = 4000) -> Double {
        let vectors = (parameters + 7) / 8
        let theta = (0..<vectors).map { SIMD8<Float>(repeating: Float($0 % 5) * 1e-3) }
        var best = Double.infinity
        var total = SIMD8<Float>()
        for _ in 0..<5 {
            let start = ContinuousClock.now
            theta.withUnsafeBufferPointer { t in
                for pass in 0..<passes {
                    // Four accumulators, so the loop is bound by loads rather than by one add chain.
                    var (a, b, c, d) = (SIMD8<Float>(repeating: Float(pass)), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                    var i = 0
                    while i + 4 <= vectors {
                        a += t[i]
                        b += t[i + 1]
                        c += t[i + 2]
                        d += t[i + 3]
                        i += 4
                    }
                    while i < vectors {
                        a += t[i]
                        i += 1
                    }
                    total += a + b + c + d
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, seconds / Double(passes))
        }
        floorSink = total.sum()
        return best
    }
}

/// Where the floor loops leave a result, so the optimiser keeps them.
nonisolated(unsafe) var floorSink: Float = 0
