/// Small dense linear-algebra kernels on raw pointers: the hot loops of every layer.
///
/// Row-major matrices; no allocation; callable from any thread on buffers it owns.
@usableFromInline
enum DenseKernels {
    /// y[r] (+)= Σ_c A[r, c] x[c]
    @inlinable
    static func multiply<T: BinaryFloatingPoint>(
        _ a: UnsafePointer<T>, rows: Int, columns: Int, _ x: UnsafePointer<T>,
        into y: UnsafeMutablePointer<T>, accumulate: Bool
    ) {
        for r in 0..<rows {
            let row = a + r * columns
            var sum: T = accumulate ? y[r] : 0
            for c in 0..<columns { sum += row[c] * x[c] }
            y[r] = sum
        }
    }

    /// y[c] (+)= Σ_r A[r, c] x[r]
    @inlinable
    static func multiplyTransposed<T: BinaryFloatingPoint>(
        _ a: UnsafePointer<T>, rows: Int, columns: Int, _ x: UnsafePointer<T>,
        into y: UnsafeMutablePointer<T>, accumulate: Bool, scale: T = 1
    ) {
        if !accumulate { y.update(repeating: 0, count: columns) }
        for r in 0..<rows {
            let row = a + r * columns
            let xr = scale * x[r]
            for c in 0..<columns { y[c] += row[c] * xr }
        }
    }

    /// G[r, c] = scale · u[r] v[c]  (overwrites: every gradient slot is written once per step)
    @inlinable
    static func outer<T: BinaryFloatingPoint>(
        _ u: UnsafePointer<T>, _ v: UnsafePointer<T>, rows: Int, columns: Int,
        into g: UnsafeMutablePointer<T>, scale: T = 1
    ) {
        for r in 0..<rows {
            let row = g + r * columns
            let ur = scale * u[r]
            for c in 0..<columns { row[c] = ur * v[c] }
        }
    }
}
