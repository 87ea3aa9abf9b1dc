import RealModule

/// GELU in its exact form x·Φ(x) (PyTorch's default, `approximate="none"`) over a vector, with Φ(x)
/// kept from the forward pass so the backward pass needs no second erf.
///
/// The arithmetic is `Forecaster`'s and `Activation.gelu`'s (halving is exact, so the same bits).
/// Allocation-free; any thread, on buffers it owns.
@usableFromInline
enum GELUKernels {
    /// y = x Φ(x), writing Φ(x) into `cdf`.
    @inlinable
    static func forward<T: Real>(
        _ x: UnsafePointer<T>, cdf: UnsafeMutablePointer<T>, output y: UnsafeMutablePointer<T>, count: Int
    ) {
        let rootTwo = T.sqrt(2)
        for k in 0..<count {
            let value = x[k]
            let phi = (1 + T.erf(value / rootTwo)) / 2
            cdf[k] = phi
            y[k] = value * phi
        }
    }

    /// g ← g · (Φ(x) + x φ(x)), turning ∂/∂y into ∂/∂x in place.
    @inlinable
    static func backward<T: Real>(
        _ x: UnsafePointer<T>, cdf: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>, count: Int
    ) {
        let rootTwoPi = T.sqrt(2 * T.pi)
        for k in 0..<count {
            let value = x[k]
            let pdf = T.exp(-value * value / 2) / rootTwoPi
            g[k] *= cdf[k] + value * pdf
        }
    }
}
