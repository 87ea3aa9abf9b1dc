import HamiltonianLearning

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded, unbounded vector stream: each call to `next(into:)` writes the next sample.
/// Nothing here allocates after construction.
public protocol VectorStream {
    var channelCount: Int { get }
    /// The variance of the unpredictable part of each sample (mean over channels): the MSE of an
    /// oracle one-step forecaster, a floor no learner can beat on average.
    var noiseFloor: Double { get }
    mutating func next(into x: UnsafeMutablePointer<Float>)
}

extension VectorStream {
    /// Writes the next sample into an array in place (no reallocation when it is uniquely referenced).
    public mutating func next(into array: inout [Float]) {
        array.withUnsafeMutableBufferPointer { next(into: $0.baseAddress!) }
    }
}

/// x_c(t) = Σ_k a_ck sin(ω_k t + φ_ck) + σ ε: a few shared frequencies, per-channel amplitudes and
/// phases, white Gaussian noise.
public struct SinusoidMixtureStream: VectorStream {
    public let channelCount: Int
    public let angularFrequencies: [Double]
    public let noise: Double
    private let sineWeights: [Double]   // a_ck cos φ_ck, [k * channels + c]
    private let cosineWeights: [Double] // a_ck sin φ_ck
    private var generator: SeededGenerator
    private var time: Int = 0

    /// `periods` in steps; amplitudes are drawn so each channel has about unit signal variance.
    public init(channels: Int, periods: [Double], noise: Double, seed: UInt64) {
        channelCount = channels
        angularFrequencies = periods.map { 2 * Double.pi / $0 }
        self.noise = noise
        var g = SeededGenerator(seed: seed)
        var sines = [Double](repeating: 0, count: periods.count * channels)
        var cosines = sines
        for c in 0..<channels {
            let raw = periods.indices.map { _ in 0.5 + g.nextUnit() }
            // Σ a² / 2 = 1: unit variance of the clean signal.
            let norm = (raw.reduce(0) { $0 + $1 * $1 } / 2).squareRoot()
            for k in periods.indices {
                let amplitude = raw[k] / norm
                let phase = 2 * Double.pi * g.nextUnit()
                sines[k * channels + c] = amplitude * cos(phase)
                cosines[k * channels + c] = amplitude * sin(phase)
            }
        }
        sineWeights = sines
        cosineWeights = cosines
        generator = SeededGenerator(seed: seed ^ 0x5EED_0F_5EED)
    }

    public var noiseFloor: Double { noise * noise }

    public mutating func next(into x: UnsafeMutablePointer<Float>) {
        let t = Double(time)
        let channels = channelCount
        for c in 0..<channels { x[c] = 0 }
        sineWeights.withUnsafeBufferPointer { sw in
            cosineWeights.withUnsafeBufferPointer { cw in
                angularFrequencies.withUnsafeBufferPointer { w in
                    for k in 0..<w.count {
                        // Reduce the angle first so precision does not decay over 10^7 steps.
                        let angle = (w[k] * t).truncatingRemainder(dividingBy: 2 * Double.pi)
                        let (s, co) = (sin(angle), cos(angle))
                        for c in 0..<channels {
                            x[c] += Float(sw[k * channels + c] * s + cw[k * channels + c] * co)
                        }
                    }
                }
            }
        }
        for c in 0..<channels { x[c] += Float(noise * generator.nextGaussian()) }
        time += 1
    }
}

/// x_c(t) = a1_c x_c(t−1) + a2_c x_c(t−2) + σ_c ε: independent stationary AR(2) channels.
///
/// The characteristic roots are r e^{±iθ} with r < 1 (a1 = 2r cos θ, a2 = −r²), so every channel
/// is stationary and oscillates; σ_c is set so each channel has unit stationary variance.
public struct AutoregressiveStream: VectorStream {
    public let channelCount: Int
    public let a1, a2, sigma: [Double]
    private var previous, beforePrevious: [Double]
    private var generator: SeededGenerator

    public init(channels: Int, seed: UInt64, radii: ClosedRange<Double> = 0.75...0.95, angles: ClosedRange<Double> = 0.15...1.2) {
        channelCount = channels
        var g = SeededGenerator(seed: seed)
        var a1 = [Double](), a2 = [Double](), sigma = [Double]()
        for _ in 0..<channels {
            let r = radii.lowerBound + g.nextUnit() * (radii.upperBound - radii.lowerBound)
            let theta = angles.lowerBound + g.nextUnit() * (angles.upperBound - angles.lowerBound)
            let (c1, c2) = (2 * r * cos(theta), -r * r)
            precondition(abs(c2) < 1 && c2 + c1 < 1 && c2 - c1 < 1, "AR(2) not stationary")
            // Stationary variance for unit noise: (1 − a2) / ((1 + a2)((1 − a2)² − a1²)).
            let gamma0 = (1 - c2) / ((1 + c2) * ((1 - c2) * (1 - c2) - c1 * c1))
            a1.append(c1)
            a2.append(c2)
            sigma.append(1 / gamma0.squareRoot())
        }
        self.a1 = a1
        self.a2 = a2
        self.sigma = sigma
        previous = [Double](repeating: 0, count: channels)
        beforePrevious = previous
        generator = SeededGenerator(seed: seed ^ 0xA2_A2_A2)
        var scratch = [Float](repeating: 0, count: channels)
        for _ in 0..<2_000 { next(into: &scratch) }  // burn-in to stationarity
    }

    public var noiseFloor: Double { sigma.reduce(0) { $0 + $1 * $1 } / Double(channelCount) }

    public mutating func next(into x: UnsafeMutablePointer<Float>) {
        for c in 0..<channelCount {
            let value = a1[c] * previous[c] + a2[c] * beforePrevious[c] + sigma[c] * generator.nextGaussian()
            beforePrevious[c] = previous[c]
            previous[c] = value
            x[c] = Float(value)
        }
    }
}

/// Iris-like classification samples: three Gaussian clusters in 4-D with one-hot targets.
public struct ClusterStream {
    private var generator: SeededGenerator
    private let centres: [[Double]] = [
        [5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0],
    ]

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Standardised features (about zero mean, unit scale) and a one-hot class.
    public mutating func next(input: inout [Float], target: inout [Float]) {
        let label = Int(generator.next() % 3)
        for j in 0..<4 {
            input[j] = Float((centres[label][j] + 0.35 * generator.nextGaussian() - 4) / 2)
        }
        for k in 0..<3 { target[k] = k == label ? 1 : 0 }
    }
}

/// Chaotic Mackey–Glass series, dx/dt = 0.2 x(t−τ) / (1 + x(t−τ)¹⁰) − 0.1 x(t) with τ = 17, one
/// independent trajectory per channel (each from its own random constant history), integrated by
/// Euler with dt = 0.1 and sampled every `sampleEvery` time units, standardised by the attractor's
/// usual mean 0.9 and scale 0.23. Deterministic: no noise, so its floor is 0.
public struct MackeyGlassStream: VectorStream {
    public let channelCount: Int
    public let sampleEvery: Int
    static let delaySteps = 170      // τ / dt
    static let stepsPerUnit = 10     // 1 / dt
    private var history: [Double]    // ring of the last delaySteps values per channel, [slot * channels + c]
    private var current: [Double]
    private var head = 0

    public init(channels: Int, seed: UInt64, sampleEvery: Int = 3) {
        channelCount = channels
        self.sampleEvery = sampleEvery
        var g = SeededGenerator(seed: seed)
        let start = (0..<channels).map { _ in 0.5 + g.nextUnit() }
        current = start
        history = (0..<Self.delaySteps).flatMap { _ in start }
        for _ in 0..<(1_000 * Self.stepsPerUnit) { advance() }  // leave the transient
    }

    public var noiseFloor: Double { 0 }

    private mutating func advance() {
        for c in 0..<channelCount {
            let delayed = history[head * channelCount + c]
            let x = current[c]
            history[head * channelCount + c] = x
            current[c] = x + 0.1 * (0.2 * delayed / (1 + pow(delayed, 10)) - 0.1 * x)
        }
        head = (head + 1) % Self.delaySteps
    }

    public mutating func next(into x: UnsafeMutablePointer<Float>) {
        for _ in 0..<(sampleEvery * Self.stepsPerUnit) { advance() }
        for c in 0..<channelCount { x[c] = Float((current[c] - 0.9) / 0.23) }
    }
}
