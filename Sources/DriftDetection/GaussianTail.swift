#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution's tails, through the C library's erfc (relative error near
/// 1 ulp, no cancellation in either tail). Allocate nothing; any thread.
public enum GaussianTail {
    /// Q(z) = P(Z > z) = ½·erfc(z/√2), in [0, 1].
    @inlinable
    public static func upper(_ z: Double) -> Double { 0.5 * erfc(z * 0.5.squareRoot()) }

    /// Φ(z) = 1 − Q(z) = P(Z ≤ z) = ½·erfc(−z/√2), in [0, 1].
    @inlinable
    public static func lower(_ z: Double) -> Double { 0.5 * erfc(-z * 0.5.squareRoot()) }
}
