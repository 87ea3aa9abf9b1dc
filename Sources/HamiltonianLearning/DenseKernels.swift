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
            let sum = dot(a + r * columns, x, count: columns)
            y[r] = accumulate ? y[r] + sum : sum
        }
    }

    /// Σ a[i] b[i] with eight independent partial sums: one running sum is a chain of dependent
    /// adds that the compiler may not reorder (strict IEEE), so it neither vectorises nor pipelines.
    @inlinable
    static func dot<T: BinaryFloatingPoint>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) -> T {
        var (s0, s1, s2, s3, s4, s5, s6, s7): (T, T, T, T, T, T, T, T) = (0, 0, 0, 0, 0, 0, 0, 0)
        var i = 0
        while i + 8 <= count {
            s0 += a[i] * b[i]
            s1 += a[i + 1] * b[i + 1]
            s2 += a[i + 2] * b[i + 2]
            s3 += a[i + 3] * b[i + 3]
            s4 += a[i + 4] * b[i + 4]
            s5 += a[i + 5] * b[i + 5]
            s6 += a[i + 6] * b[i + 6]
            s7 += a[i + 7] * b[i + 7]
            i += 8
        }
        while i < count {
            s0 += a[i] * b[i]
            i += 1
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
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
