import RealModule

/// The per-sample loss L(y, ŷ) and its gradient.
public enum LossFunction: String, Sendable, CaseIterable {
    /// mean over outputs of (y − ŷ)², as PyTorch's `MSELoss()`.
    case meanSquaredError = "mse"
    /// −Σ ŷ log softmax(y) for a target distribution ŷ (one-hot for a class), as `CrossEntropyLoss()`.
    case softmaxCrossEntropy = "cross-entropy"

    /// Returns L and writes `scale · ∂L/∂y` into `gradient`. Allocation-free; any thread.
    @inlinable
    public func evaluate<T: Real>(
        prediction y: UnsafePointer<T>, target: UnsafePointer<T>, count: Int,
        gradientScale scale: T, gradient: UnsafeMutablePointer<T>
    ) -> T {
        switch self {
        case .meanSquaredError:
            var sum: T = 0
            let factor = 2 * scale / T(count)
            for i in 0..<count {
                let d = y[i] - target[i]
                sum += d * d
                gradient[i] = factor * d
            }
            return sum / T(count)
        case .softmaxCrossEntropy:
            var peak = y[0]
            for i in 1..<count where y[i] > peak { peak = y[i] }
            var total: T = 0
            var mass: T = 0
            for i in 0..<count {
                total += T.exp(y[i] - peak)
                mass += target[i]
            }
            let logTotal = T.log(total) + peak
            var loss: T = 0
            for i in 0..<count {
                let logP = y[i] - logTotal
                loss -= target[i] * logP
                gradient[i] = scale * (mass * T.exp(logP) - target[i])
            }
            return loss
        }
    }
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension LossFunction: Codable {}
#endif
