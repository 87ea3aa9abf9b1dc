#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import HamiltonianLearning

/// Seeded synthetic sensor streams, for demos, tests and learning-quality runs.
public struct SyntheticStream: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Each channel a phase-shifted mixture of three sinusoids.
        case sinusoids
        /// Each channel a stable AR(2) process x_t = 1.6 x_{t−1} − 0.8 x_{t−2} + noise (a damped oscillation).
        case ar
    }

    public let kind: Kind
    public let channels: Int
    public let noise: Double
    private var generator: SeededGenerator
    private var step = 0
    private var previous: [Double]
    private var beforePrevious: [Double]

    public init(kind: Kind, channels: Int, noise: Double, seed: UInt64) {
        precondition(channels >= 1)
        self.kind = kind
        self.channels = channels
        self.noise = noise
        generator = SeededGenerator(seed: seed)
        previous = Array(repeating: 0, count: channels)
        beforePrevious = previous
    }

    public mutating func next() -> [Double] {
        var values: [Double] = []
        next(into: &values)
        return values
    }

    /// The next values written over `values` (`channels` of them), keeping its storage.
    public mutating func next(into values: inout [Double]) {
        defer { step += 1 }
        let t = Double(step)
        values.removeAll(keepingCapacity: true)
        for j in 0..<channels {
            let shock = noise * generator.nextGaussian()
            switch kind {
            case .sinusoids:
                let phase = 0.7 * Double(j)
                values.append(sin(0.05 * t + phase) + 0.5 * sin(0.13 * t + 2 * phase) + 0.25 * sin(0.31 * t + 3 * phase) + shock)
            case .ar:
                values.append(1.6 * previous[j] - 0.8 * beforePrevious[j] + (noise > 0 ? shock : 0.1 * generator.nextGaussian()))
            }
        }
        swap(&beforePrevious, &previous)
        for j in 0..<channels { previous[j] = values[j] }
    }
}
