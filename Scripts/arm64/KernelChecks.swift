// The explicit 8-lane kernels (NEON on arm64) against plain scalar loops written here from their
// documented order of operations: the kernels promise the same bits, so the bound is 0 values.

import RealModule
import SeededRandom

extension CoreChecks {
    static func checkKernels() {
        kernelChecks(Float.self)
        kernelChecks(Double.self)
    }

    static func kernelChecks<T: VectorScalar>(_: T.Type) {
        var generator = SeededGenerator(seed: 17)
        var compared = 0, dotDiffers = 0, multiplyDiffers = 0, accumulateDiffers = 0, sequentialDiffers = 0
        for count in 0...41 {
            let a = gaussians(count * 5, &generator).map { T($0) }
            let b = gaussians(count, &generator).map { T($0) }
            let g = T(generator.nextGaussian())
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    let (pa, pb) = (a.baseAddress!, b.baseAddress!)
                    let kernel = DenseKernels.vectorDot(pa, pb, count: count)
                    if !sameBits(kernel, plainDot(pa, pb, count)) { dotDiffers += 1 }
                    var sequential: T = 0
                    for i in 0..<count { sequential += pa[i] * pb[i] }
                    if !sameBits(kernel, sequential) { sequentialDiffers += 1 }

                    var y = [T](repeating: 0, count: 5), x = [T](b)
                    DenseKernels.vectorMultiply(pa, rows: 5, columns: count, pb, into: &y, accumulate: false)
                    for r in 0..<5 where !sameBits(y[r], plainDot(pa + r * count, pb, count)) { multiplyDiffers += 1 }
                    DenseKernels.vectorAccumulate(pa, times: g, into: &x, count: count)
                    for c in 0..<count where !sameBits(x[c], pb[c] + pa[c] * g) { accumulateDiffers += 1 }
                }
            }
            compared += 1 + 5 + count
        }
        let name = "SIMD kernels, \(T.self == Float.self ? "Float" : "Double") (\(compared) results, lengths 0-41)"
        expect(name, "dot results whose bits differ from the plain loop", Double(dotDiffers), atMost: 0)
        expect(name, "matrix-vector rows whose bits differ", Double(multiplyDiffers), atMost: 0)
        expect(name, "accumulated entries whose bits differ", Double(accumulateDiffers), atMost: 0)
        expect("control: " + name, "dot results that differ from one running sum", Double(sequentialDiffers), atMost: 0, above: true)
        integratorChecks(T.self, &generator)
    }

    /// Eight partial sums, lane k taking i ≡ k (mod 8), the tail into lane 0, then
    /// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)): `DenseKernels.dot`'s contract.
    static func plainDot<T: BinaryFloatingPoint>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ count: Int) -> T {
        var s = [T](repeating: 0, count: 8)
        let whole = count & ~7
        for i in 0..<whole { s[i % 8] += a[i] * b[i] }
        for i in whole..<count { s[0] += a[i] * b[i] }
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
    }

    /// `WeightIntegrator.acceptRow` (8-lane, one compiled loop per option set) against `accept`
    /// entry by entry, for every combination of clip, ordering and τ.
    static func integratorChecks<T: VectorScalar>(_: T.Type, _ generator: inout SeededGenerator) {
        let count = 37
        var differs = 0, variants = 0
        for clip in [T.infinity, T(0.5)] {
            for ordering in [UpdateOrdering.backpropagation, .local] {
                for tau in [T(1), T(0.5)] {
                    let theta = gaussians(count, &generator).map { T($0) }, omega = gaussians(count, &generator).map { T($0) }
                    let values = gaussians(count, &generator).map { T($0) }, scale = T(generator.nextGaussian())
                    // ScalarBuffer: the integrator keeps its pointers beyond one call.
                    let (t1, o1) = (ScalarBuffer(theta), ScalarBuffer(omega))
                    let (t2, o2) = (ScalarBuffer(theta), ScalarBuffer(omega))
                    WeightIntegrator(parameters: t1.pointer, costate: o1.pointer, tau: tau, beta: 0.3, eta: 0.7, clip: clip, ordering: ordering)
                        .acceptRow(scale: scale, values: values, count: count, at: 0)
                    let scalar = WeightIntegrator(
                        parameters: t2.pointer, costate: o2.pointer, tau: tau, beta: 0.3, eta: 0.7, clip: clip, ordering: ordering)
                    for c in 0..<count { scalar.accept(scale * values[c], at: c) }
                    for c in 0..<count where !sameBits(t1[c], t2[c]) || !sameBits(o1[c], o2[c]) {
                        differs += 1
                    }
                    variants += 1
                }
            }
        }
        let name = "weight integrator, \(T.self == Float.self ? "Float" : "Double") (\(variants) variants × \(count) entries)"
        expect(name, "θ or ω entries whose bits differ from accept()", Double(differs), atMost: 0)
    }
}
