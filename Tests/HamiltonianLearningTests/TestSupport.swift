import HamiltonianLearning
import RealModule

func maxAbsDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func maxRelativeDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], floor: T = 1e-3) -> T {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}

/// A fixed pseudo-random stream of vectors: reproducible and independent of the code under test.
func randomVectors(count: Int, size: Int, seed: UInt64, scale: Double = 1) -> [[Double]] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0..<size).map { _ in generator.nextGaussian() * scale } }
}

/// Three Gaussian clusters in 4-D with one-hot labels: an Iris-shaped classification set.
func clusteredSamples(count: Int, seed: UInt64) -> [(input: [Double], target: [Double])] {
    var generator = SeededGenerator(seed: seed)
    let centres: [[Double]] = [[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]]
    return (0..<count).map { k in
        let label = k % 3
        let input = centres[label].map { $0 + 0.3 * generator.nextGaussian() }
        var target = [0.0, 0.0, 0.0]
        target[label] = 1
        return (input, target)
    }
}

/// x_t[j] = Σ_m a_m sin(ω_m t + φ_j), one phase-shifted channel per j: a stationary sinusoid mixture.
func sinusoidMixture(steps: Int, channels: Int) -> [[Double]] {
    let components: [(amplitude: Double, frequency: Double)] = [(1.0, 0.05), (0.5, 0.13), (0.25, 0.31)]
    return (0..<steps).map { t in
        (0..<channels).map { j in
            components.reduce(0) { $0 + $1.amplitude * Double.sin($1.frequency * Double(t) + 0.7 * Double(j)) }
        }
    }
}

extension ScalarBuffer {
    func values(of tensor: ParameterLayout.Tensor) -> [Scalar] { Array(array[tensor.range]) }
}
