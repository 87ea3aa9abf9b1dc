import RealModule

/// A pointwise nonlinearity and its derivative.
public enum Activation: String, Sendable, CaseIterable {
    case identity, tanh, relu, gelu

    /// σ(x). GELU is the exact form x·Φ(x), as PyTorch's default.
    @inlinable
    public func apply<T: Real>(_ x: T) -> T {
        switch self {
        case .identity: return x
        case .tanh: return T.tanh(x)
        case .relu: return x > 0 ? x : 0
        case .gelu: return x * (1 + T.erf(x / T.sqrt(2))) / 2
        }
    }

    /// σ'(x), given the pre-activation x and σ(x) (tanh reuses σ(x) to avoid a second tanh).
    @inlinable
    public func derivative<T: Real>(preactivation x: T, output y: T) -> T {
        switch self {
        case .identity: return 1
        case .tanh: return 1 - y * y
        case .relu: return x > 0 ? 1 : 0
        case .gelu:
            let cdf = (1 + T.erf(x / T.sqrt(2))) / 2
            let pdf = T.exp(-x * x / 2) / T.sqrt(2 * T.pi)
            return cdf + x * pdf
        }
    }
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension Activation: Codable {}
#endif
