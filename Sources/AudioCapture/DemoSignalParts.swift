import SeededRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: the parts

/// SplitMix64 with a stream number mixed into the seed; uniform and Gaussian variates (the polar
/// Box–Muller keeps its spare, unlike `SplitMix64.nextGaussian`, and the demo file is fixed by it).
struct DemoRandom: Sendable {
    private var core: SplitMix64
    private var spare: Double?

    init(seed: UInt64, stream: UInt64) {
        core = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = core.next()
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { core.nextUnit() }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Standard normal (Box–Muller, polar form).
    mutating func gaussian() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let m = (-2 * log(s) / s).squareRoot()
                spare = v * m
                return u * m
            }
        }
    }
}

/// A two-pole resonator (Klatt 1980): unity gain at 0 Hz, a peak at `frequency` of `bandwidth`.
struct DemoResonator: Sendable {
    private var y1 = 0.0, y2 = 0.0
    private var a = 1.0, b = 0.0, c = 0.0

    mutating func tune(frequencyHz: Double, bandwidthHz: Double, sampleRateHz: Double) {
        let r = exp(-Double.pi * bandwidthHz / sampleRateHz)
        c = -r * r
        b = 2 * r * cos(2 * Double.pi * frequencyHz / sampleRateHz)
        a = 1 - b - c
    }

    mutating func process(_ x: Double) -> Double {
        let y = a * x + b * y1 + c * y2
        y2 = y1
        y1 = y
        return y
    }
}
