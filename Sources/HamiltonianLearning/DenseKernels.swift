/// Small dense linear-algebra kernels on raw pointers: the hot loops of every layer.
///
/// Row-major matrices; no allocation; callable from any thread on buffers it owns.
///
/// `Float` and `Double` run explicit 8-lane vector code (`SIMD8`: two 128-bit registers on SSE2
/// and NEON, one on AVX); other scalar types take a plain loop. Each vector lane does exactly the
/// arithmetic of the scalar loop in the same order, so the two paths give the same bits.
@usableFromInline
enum DenseKernels {
    /// y[r] (+)= Σ_c A[r, c] x[c]
    @inlinable
    static func multiply<T: BinaryFloatingPoint>(
        _ a: UnsafePointer<T>, rows: Int, columns: Int, _ x: UnsafePointer<T>,
        into y: UnsafeMutablePointer<T>, accumulate: Bool
    ) {
        if T.self == Float.self {
            return vectorMultiply(cast(a, Float.self), rows: rows, columns: columns, cast(x, Float.self), into: cast(y, Float.self),
                                  accumulate: accumulate)
        }
        if T.self == Double.self {
            return vectorMultiply(cast(a, Double.self), rows: rows, columns: columns, cast(x, Double.self), into: cast(y, Double.self),
                                  accumulate: accumulate)
        }
        for r in 0..<rows {
            let sum = dot(a + r * columns, x, count: columns)
            y[r] = accumulate ? y[r] + sum : sum
        }
    }

    /// `multiply` four rows at a time, so each load of x serves four rows; every row's sum is
    /// `dot`'s, in `dot`'s order.
    @inlinable
    static func vectorMultiply<T: VectorScalar>(
        _ a: UnsafePointer<T>, rows: Int, columns: Int, _ x: UnsafePointer<T>,
        into y: UnsafeMutablePointer<T>, accumulate: Bool
    ) {
        let whole = columns & ~7
        var r = 0
        while r + 4 <= rows {
            let a0 = a + r &* columns
            let (a1, a2, a3) = (a0 + columns, a0 + 2 &* columns, a0 + 3 &* columns)
            var (s0, s1, s2, s3) = (SIMD8<T>(), SIMD8<T>(), SIMD8<T>(), SIMD8<T>())
            var c = 0
            while c < whole {
                let xv = T.load(x + c)
                s0 = T.addProduct(s0, T.load(a0 + c), xv)
                s1 = T.addProduct(s1, T.load(a1 + c), xv)
                s2 = T.addProduct(s2, T.load(a2 + c), xv)
                s3 = T.addProduct(s3, T.load(a3 + c), xv)
                c &+= 8
            }
            while c < columns {
                s0[0] += a0[c] * x[c]
                s1[0] += a1[c] * x[c]
                s2[0] += a2[c] * x[c]
                s3[0] += a3[c] * x[c]
                c += 1
            }
            let sums = (T.sum(s0), T.sum(s1), T.sum(s2), T.sum(s3))
            y[r] = accumulate ? y[r] + sums.0 : sums.0
            y[r + 1] = accumulate ? y[r + 1] + sums.1 : sums.1
            y[r + 2] = accumulate ? y[r + 2] + sums.2 : sums.2
            y[r + 3] = accumulate ? y[r + 3] + sums.3 : sums.3
            r += 4
        }
        while r < rows {
            let sum = vectorDot(a + r &* columns, x, count: columns)
            y[r] = accumulate ? y[r] + sum : sum
            r += 1
        }
    }

    /// Σ a[i] b[i] with eight independent partial sums (lane k sums i ≡ k mod 8), added as
    /// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)): one running sum would be a chain of
    /// dependent adds that the compiler may not reorder (strict IEEE), so it neither vectorises
    /// nor pipelines.
    @inlinable
    static func dot<T: BinaryFloatingPoint>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) -> T {
        if T.self == Float.self {
            return unsafeBitCast(vectorDot(cast(a, Float.self), cast(b, Float.self), count: count), to: T.self)
        }
        if T.self == Double.self {
            return unsafeBitCast(vectorDot(cast(a, Double.self), cast(b, Double.self), count: count), to: T.self)
        }
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

    @inlinable
    static func vectorDot<T: VectorScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) -> T {
        var s = SIMD8<T>()
        let whole = count & ~7
        var i = 0
        while i < whole {
            s = T.addProduct(s, T.load(a + i), T.load(b + i))
            i &+= 8
        }
        while i < count {
            s[0] += a[i] * b[i]
            i += 1
        }
        return T.sum(s)
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
        if let integrator = sink as? WeightIntegrator<S.Scalar>, a == UnsafePointer(integrator.theta + offset) {
            if S.Scalar.self == Float.self {
                return integrator.withLanes(TransposedProductAndIntegrate(
                    rows: rows, columns: columns, offset: offset, gy: cast(gy, Float.self), x: cast(x, Float.self),
                    v: cast(v, Float.self), scale: unsafeBitCast(scale, to: Float.self)))
            }
            if S.Scalar.self == Double.self {
                return integrator.withLanes(TransposedProductAndIntegrate(
                    rows: rows, columns: columns, offset: offset, gy: cast(gy, Double.self), x: cast(x, Double.self),
                    v: cast(v, Double.self), scale: unsafeBitCast(scale, to: Double.self)))
            }
        }
        x.update(repeating: 0, count: columns)
        for r in 0..<rows {
            accumulate(a + r * columns, times: scale * gy[r], into: x, count: columns)
            sink.acceptRow(scale: gy[r], values: v, count: columns, at: offset + r * columns)
        }
    }

    /// x[c] += row[c] · g
    @inlinable
    static func accumulate<T: BinaryFloatingPoint>(
        _ row: UnsafePointer<T>, times g: T, into x: UnsafeMutablePointer<T>, count: Int
    ) {
        if T.self == Float.self {
            vectorAccumulate(cast(row, Float.self), times: unsafeBitCast(g, to: Float.self), into: cast(x, Float.self), count: count)
        } else if T.self == Double.self {
            vectorAccumulate(cast(row, Double.self), times: unsafeBitCast(g, to: Double.self), into: cast(x, Double.self), count: count)
        } else {
            for c in 0..<count { x[c] += row[c] * g }
        }
    }

    @inlinable
    static func vectorAccumulate<T: VectorScalar>(
        _ row: UnsafePointer<T>, times g: T, into x: UnsafeMutablePointer<T>, count: Int
    ) {
        let gv = T.lanes(g)
        let whole = count & ~7
        var c = 0
        while c < whole {
            T.store(T.addProduct(T.load(x + c), T.load(row + c), gv), x + c)
            c &+= 8
        }
        while c < count {
            x[c] += row[c] * g
            c += 1
        }
    }

    /// Delivers values[k] for parameters offset..<offset+count.
    @inlinable
    static func deliver<S: GradientSink>(_ values: UnsafePointer<S.Scalar>, count: Int, into sink: S, at offset: Int) {
        sink.acceptRow(scale: 1, values: values, count: count, at: offset)
    }

    // MARK: - Pointer casts




    /// The same memory seen as `U`; only called where `U` is the pointee type itself.
    @inlinable @inline(__always)
    static func cast<T, U>(_ p: UnsafePointer<T>, _: U.Type) -> UnsafePointer<U> {
        UnsafeRawPointer(p).assumingMemoryBound(to: U.self)
    }

    @inlinable @inline(__always)
    static func cast<T, U>(_ p: UnsafeMutablePointer<T>, _: U.Type) -> UnsafeMutablePointer<U> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
    }
}
