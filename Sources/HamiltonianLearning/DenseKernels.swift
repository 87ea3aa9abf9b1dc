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

    /// Delivers G[r, c] = scale · u[r] v[c] for the row-major block at `offset` to `sink`.
    @inlinable
    static func outer<S: GradientSink>(
        _ u: UnsafePointer<S.Scalar>, _ v: UnsafePointer<S.Scalar>, rows: Int, columns: Int,
        into sink: S, at offset: Int, scale: S.Scalar = 1
    ) {
        for r in 0..<rows { sink.acceptRow(scale: scale * u[r], values: v, count: columns, at: offset + r * columns) }
    }

    /// x = scale · Aᵀ gy, and delivers the gradient gy ⊗ v of A to `sink`, row by row, so each
    /// row of A is read for the product just before the sink updates it, while it is in cache.
    @inlinable
    static func transposedProductThenOuter<S: GradientSink>(
        _ a: UnsafePointer<S.Scalar>, rows: Int, columns: Int, _ gy: UnsafePointer<S.Scalar>,
        into x: UnsafeMutablePointer<S.Scalar>, scale: S.Scalar = 1, outerWith v: UnsafePointer<S.Scalar>,
        sink: S, at offset: Int
    ) {
        x.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = a + r * columns
            let g = scale * gy[r]
            for c in 0..<columns { x[c] += row[c] * g }
            sink.acceptRow(scale: gy[r], values: v, count: columns, at: offset + r * columns)
        }
    }

    /// Delivers values[k] for parameters offset..<offset+count.
    @inlinable
    static func deliver<S: GradientSink>(_ values: UnsafePointer<S.Scalar>, count: Int, into sink: S, at offset: Int) {
        sink.acceptRow(scale: 1, values: values, count: count, at: offset)
    }
}
