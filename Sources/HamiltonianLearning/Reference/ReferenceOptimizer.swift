import RealModule

/// A classical optimiser step on a flat parameter vector, for tests and benchmarks only.
public protocol ReferenceOptimizer<Scalar> {
    associatedtype Scalar: Real & BinaryFloatingPoint
    /// Updates θ in place from ∂L/∂θ. Allocation-free after the first call.
    mutating func update(parameters: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>, count: Int)
}

/// `torch.optim.SGD(lr, momentum, dampening)`, weight-for-weight (no Nesterov, no weight decay).
public struct StochasticGradientDescent<Scalar: Real & BinaryFloatingPoint>: ReferenceOptimizer {
    public var learningRate: Scalar
    public var momentum: Scalar
    public var dampening: Scalar
    @usableFromInline var buffer: [Scalar] = []

    public init(learningRate: Scalar, momentum: Scalar = 0, dampening: Scalar = 0) {
        (self.learningRate, self.momentum, self.dampening) = (learningRate, momentum, dampening)
    }

    @inlinable
    public mutating func update(parameters p: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>, count: Int) {
        guard momentum != 0 else {
            for i in 0..<count { p[i] -= learningRate * g[i] }
            return
        }
        if buffer.isEmpty {
            // PyTorch's first momentum step takes the raw gradient, without dampening.
            buffer = Array(UnsafeBufferPointer(start: g, count: count))
        } else {
            for i in 0..<count { buffer[i] = momentum * buffer[i] + (1 - dampening) * g[i] }
        }
        for i in 0..<count { p[i] -= learningRate * buffer[i] }
    }
}

/// `torch.optim.Adam(lr, betas, eps)` with bias correction.
public struct AdaptiveMomentEstimation<Scalar: Real & BinaryFloatingPoint>: ReferenceOptimizer {
    public var learningRate: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    public var epsilon: Scalar
    @usableFromInline var first: [Scalar] = []
    @usableFromInline var second: [Scalar] = []
    @usableFromInline var steps = 0

    public init(learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8) {
        (self.learningRate, self.beta1, self.beta2, self.epsilon) = (learningRate, beta1, beta2, epsilon)
    }

    @inlinable
    public mutating func update(parameters p: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>, count: Int) {
        if first.isEmpty {
            first = Array(repeating: 0, count: count)
            second = Array(repeating: 0, count: count)
        }
        steps += 1
        let correction1 = 1 - Scalar.pow(beta1, steps)
        let correction2 = 1 - Scalar.pow(beta2, steps)
        let stepSize = learningRate / correction1
        let root2 = Scalar.sqrt(correction2)
        first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                for i in 0..<count {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                    p[i] -= stepSize * m[i] / (Scalar.sqrt(v[i]) / root2 + epsilon)
                }
            }
        }
    }
}
