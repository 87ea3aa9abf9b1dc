/// `Float` and `Double`: the scalars with explicit 8-lane kernels.
///
/// Every operation the kernels do on `SIMD8<Self>` is a requirement here, implemented on the
/// concrete `SIMD8<Float>` and `SIMD8<Double>`: the stdlib's concrete vector operations are
/// transparent, so they are vector instructions even in a debug build, whereas its generic ones
/// (`SIMD8<T>` with `T` a type parameter) run lane by lane through witness tables when
/// unspecialised, which made a debug build's learner 2.6× slower than scalar code. In a release
/// build each requirement specialises and inlines to the same instructions as the operator.
/// Products and sums are rounded separately (no fused multiply-add), as in the scalar code.
@usableFromInline
protocol VectorScalar: BinaryFloatingPoint, SIMDScalar, VectorScalarCoding {
    /// x in every lane.
    static func lanes(_ x: Self) -> SIMD8<Self>
    /// p[0..<8], unaligned.
    static func load(_ p: UnsafePointer<Self>) -> SIMD8<Self>
    static func load(_ p: UnsafeMutablePointer<Self>) -> SIMD8<Self>
    /// p[0..<8] = v, unaligned.
    static func store(_ v: SIMD8<Self>, _ p: UnsafeMutablePointer<Self>)
    /// a + b
    static func add(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
    /// a · b
    static func multiply(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
    /// x + a · b, the product rounded before the sum.
    static func addProduct(_ x: SIMD8<Self>, _ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
    /// x − a · b, the product rounded before the difference.
    static func subtractProduct(_ x: SIMD8<Self>, _ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
    /// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), the order of `DenseKernels.dot`.
    static func sum(_ s: SIMD8<Self>) -> Self
    /// Each lane as `min(max(g, −limit), limit)`: NaN stays NaN, ties pick the same value.
    static func clamp(_ g: SIMD8<Self>, _ limit: Self) -> SIMD8<Self>
}

extension Float: VectorScalar {
    @inlinable @inline(__always)
    static func lanes(_ x: Float) -> SIMD8<Float> { SIMD8(repeating: x) }

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inlinable @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inlinable @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

#if DEBUG
    // Unoptimised, the stdlib's SIMD8 operators are lane loops with a bounds check per lane;
    // on the lanes as a tuple, each lane is one scalar instruction. The same arithmetic per lane.

    @usableFromInline typealias Tuple8 = (Float, Float, Float, Float, Float, Float, Float, Float)

    @inlinable @inline(__always)
    static func add(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let (a, b) = (unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast((a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3, a.4 + b.4, a.5 + b.5, a.6 + b.6, a.7 + b.7), to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func multiply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let (a, b) = (unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast((a.0 * b.0, a.1 * b.1, a.2 * b.2, a.3 * b.3, a.4 * b.4, a.5 * b.5, a.6 * b.6, a.7 * b.7), to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func addProduct(_ x: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let (x, a, b) = (unsafeBitCast(x, to: Tuple8.self), unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast(
            (x.0 + a.0 * b.0, x.1 + a.1 * b.1, x.2 + a.2 * b.2, x.3 + a.3 * b.3, x.4 + a.4 * b.4, x.5 + a.5 * b.5, x.6 + a.6 * b.6, x.7 + a.7 * b.7),
            to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func subtractProduct(_ x: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let (x, a, b) = (unsafeBitCast(x, to: Tuple8.self), unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast(
            (x.0 - a.0 * b.0, x.1 - a.1 * b.1, x.2 - a.2 * b.2, x.3 - a.3 * b.3, x.4 - a.4 * b.4, x.5 - a.5 * b.5, x.6 - a.6 * b.6, x.7 - a.7 * b.7),
            to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func sum(_ s: SIMD8<Float>) -> Float {
        let s = unsafeBitCast(s, to: Tuple8.self)
        return ((s.0 + s.1) + (s.2 + s.3)) + ((s.4 + s.5) + (s.6 + s.7))
    }

    /// `min(max(g, −limit), limit)` per lane, spelled out: `max(x, y)` is `y >= x ? y : x` and
    /// `min(x, y)` is `y < x ? y : x`.
    @inlinable @inline(__always)
    static func clamp(_ g: SIMD8<Float>, _ limit: Float) -> SIMD8<Float> {
        let g = unsafeBitCast(g, to: Tuple8.self)
        let low = -limit
        let m = (low >= g.0 ? low : g.0, low >= g.1 ? low : g.1, low >= g.2 ? low : g.2, low >= g.3 ? low : g.3, low >= g.4 ? low : g.4, low >= g.5 ? low : g.5, low >= g.6 ? low : g.6, low >= g.7 ? low : g.7)
        return unsafeBitCast(
            (limit < m.0 ? limit : m.0, limit < m.1 ? limit : m.1, limit < m.2 ? limit : m.2, limit < m.3 ? limit : m.3, limit < m.4 ? limit : m.4, limit < m.5 ? limit : m.5, limit < m.6 ? limit : m.6, limit < m.7 ? limit : m.7),
            to: SIMD8<Float>.self)
    }
#else
    @inlinable @inline(__always)
    static func add(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }

    @inlinable @inline(__always)
    static func multiply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a * b }

    @inlinable @inline(__always)
    static func addProduct(_ x: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { x + a * b }

    @inlinable @inline(__always)
    static func subtractProduct(_ x: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { x - a * b }

    @inlinable @inline(__always)
    static func sum(_ s: SIMD8<Float>) -> Float { ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) }

    @inlinable @inline(__always)
    static func clamp(_ g: SIMD8<Float>, _ limit: Float) -> SIMD8<Float> {
        var r = g
        for i in 0..<8 { r[i] = min(max(g[i], -limit), limit) }
        return r
    }
#endif
}

extension Double: VectorScalar {
    @inlinable @inline(__always)
    static func lanes(_ x: Double) -> SIMD8<Double> { SIMD8(repeating: x) }

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }

    @inlinable @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }

    @inlinable @inline(__always)
    static func store(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self) }

#if DEBUG
    // Unoptimised, the stdlib's SIMD8 operators are lane loops with a bounds check per lane;
    // on the lanes as a tuple, each lane is one scalar instruction. The same arithmetic per lane.

    @usableFromInline typealias Tuple8 = (Double, Double, Double, Double, Double, Double, Double, Double)

    @inlinable @inline(__always)
    static func add(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
        let (a, b) = (unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast((a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3, a.4 + b.4, a.5 + b.5, a.6 + b.6, a.7 + b.7), to: SIMD8<Double>.self)
    }

    @inlinable @inline(__always)
    static func multiply(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
        let (a, b) = (unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast((a.0 * b.0, a.1 * b.1, a.2 * b.2, a.3 * b.3, a.4 * b.4, a.5 * b.5, a.6 * b.6, a.7 * b.7), to: SIMD8<Double>.self)
    }

    @inlinable @inline(__always)
    static func addProduct(_ x: SIMD8<Double>, _ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
        let (x, a, b) = (unsafeBitCast(x, to: Tuple8.self), unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast(
            (x.0 + a.0 * b.0, x.1 + a.1 * b.1, x.2 + a.2 * b.2, x.3 + a.3 * b.3, x.4 + a.4 * b.4, x.5 + a.5 * b.5, x.6 + a.6 * b.6, x.7 + a.7 * b.7),
            to: SIMD8<Double>.self)
    }

    @inlinable @inline(__always)
    static func subtractProduct(_ x: SIMD8<Double>, _ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
        let (x, a, b) = (unsafeBitCast(x, to: Tuple8.self), unsafeBitCast(a, to: Tuple8.self), unsafeBitCast(b, to: Tuple8.self))
        return unsafeBitCast(
            (x.0 - a.0 * b.0, x.1 - a.1 * b.1, x.2 - a.2 * b.2, x.3 - a.3 * b.3, x.4 - a.4 * b.4, x.5 - a.5 * b.5, x.6 - a.6 * b.6, x.7 - a.7 * b.7),
            to: SIMD8<Double>.self)
    }

    @inlinable @inline(__always)
    static func sum(_ s: SIMD8<Double>) -> Double {
        let s = unsafeBitCast(s, to: Tuple8.self)
        return ((s.0 + s.1) + (s.2 + s.3)) + ((s.4 + s.5) + (s.6 + s.7))
    }

    /// `min(max(g, −limit), limit)` per lane, spelled out: `max(x, y)` is `y >= x ? y : x` and
    /// `min(x, y)` is `y < x ? y : x`.
    @inlinable @inline(__always)
    static func clamp(_ g: SIMD8<Double>, _ limit: Double) -> SIMD8<Double> {
        let g = unsafeBitCast(g, to: Tuple8.self)
        let low = -limit
        let m = (low >= g.0 ? low : g.0, low >= g.1 ? low : g.1, low >= g.2 ? low : g.2, low >= g.3 ? low : g.3, low >= g.4 ? low : g.4, low >= g.5 ? low : g.5, low >= g.6 ? low : g.6, low >= g.7 ? low : g.7)
        return unsafeBitCast(
            (limit < m.0 ? limit : m.0, limit < m.1 ? limit : m.1, limit < m.2 ? limit : m.2, limit < m.3 ? limit : m.3, limit < m.4 ? limit : m.4, limit < m.5 ? limit : m.5, limit < m.6 ? limit : m.6, limit < m.7 ? limit : m.7),
            to: SIMD8<Double>.self)
    }
#else
    @inlinable @inline(__always)
    static func add(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { a + b }

    @inlinable @inline(__always)
    static func multiply(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { a * b }

    @inlinable @inline(__always)
    static func addProduct(_ x: SIMD8<Double>, _ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { x + a * b }

    @inlinable @inline(__always)
    static func subtractProduct(_ x: SIMD8<Double>, _ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { x - a * b }

    @inlinable @inline(__always)
    static func sum(_ s: SIMD8<Double>) -> Double { ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) }

    @inlinable @inline(__always)
    static func clamp(_ g: SIMD8<Double>, _ limit: Double) -> SIMD8<Double> {
        var r = g
        for i in 0..<8 { r[i] = min(max(g[i], -limit), limit) }
        return r
    }
#endif
}

// `SIMD8<Self>` is Codable when `Self` is, and the compiler warns unless the protocol says so; Embedded
// Swift has no Codable, so there the refinement is a repeat of one already listed.
#if hasFeature(Embedded)
@usableFromInline typealias VectorScalarCoding = BinaryFloatingPoint
#else
@usableFromInline typealias VectorScalarCoding = Codable
#endif
