/// The least one step of Hamiltonian learning can cost here, whatever the kernels: every
/// parameter's costate ω and weight θ read and written once (ω ← dω + g, θ ← θ − rω), with g a
/// row reused like the outer product g_y ⊗ h, and θ read once more as a forward pass must. No
/// backward products, no traces: a floor under the learner's time per step.
enum IntegrationFloor {
    /// Best of five runs, in seconds per step, of the ω and θ update over `parameters` Floats.
    static func secondsPerStep(parameters: Int, steps: Int = 2000) -> Double {
        let vectors = (parameters + 7) / 8
        var theta = [SIMD8<Float>](repeating: SIMD8(repeating: 0.01), count: vectors)
        var omega = [SIMD8<Float>](repeating: SIMD8(repeating: 0.001), count: vectors)
        let row = (0..<16).map { SIMD8<Float>(repeating: Float($0) * 1e-3) }
        let decay = SIMD8<Float>(repeating: 0.5), rate = SIMD8<Float>(repeating: 0.003)
        let seconds = bestOfFive(repetitions: steps) {
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
        }
        // Read back, so the stores cannot be dropped.
        precondition(theta[vectors / 2].sum().isFinite && omega[0].sum().isFinite, "the floor loop diverged")
        return seconds
    }

    /// Best of five runs, in seconds per pass, of reading `parameters` Floats once: what a
    /// forward pass over every weight costs at the least, before any multiplication.
    static func secondsPerRead(parameters: Int, passes: Int = 4000) -> Double {
        let vectors = (parameters + 7) / 8
        let theta = (0..<vectors).map { SIMD8<Float>(repeating: Float($0 % 5) * 1e-3) }
        var total = SIMD8<Float>()
        let seconds = bestOfFive(repetitions: passes) {
            theta.withUnsafeBufferPointer { t in
                for pass in 0..<passes {
                    // Four accumulators, so one chain of dependent adds does not set the pace.
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
        }
        // Used, so the loads cannot be dropped.
        precondition(total.sum().isFinite, "the read loop overflowed")
        return seconds
    }

    /// The fastest of five runs of `body`, in seconds per one of its `repetitions`.
    private static func bestOfFive(repetitions: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let fastest = (0..<5).map { _ in clock.measure(body) }.min()!
        return (Double(fastest.components.seconds) + Double(fastest.components.attoseconds) * 1e-18) / Double(repetitions)
    }
}
