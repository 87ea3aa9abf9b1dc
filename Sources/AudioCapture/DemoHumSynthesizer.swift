import SeededRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine hum: mains harmonics, a slow beat, a motor's blade-pass tone, rattling broadband
/// noise, all pulsing with the machine's stroke.
///
/// Each partial is a rotating phasor (two multiply-adds per sample instead of a `sin`), its
/// length renormalised every 1024 samples so rounding cannot make it grow or decay.
struct DemoHumSynthesizer: Sendable {
    /// Bandwidth of the rattle (the log-envelope's one-pole low-pass), Hz.
    static let roughnessHz = 30.0
    /// Standard deviation of the rattle's log-envelope, nepers.
    static let roughnessDepth = 1.2
    /// The machine's stroke rate, Hz, and its modulation depth.
    static let strokeHz = 12.5
    static let strokeDepth = 0.8
    private var strokePhasor = (re: 1.0, im: 0.0)
    private let strokeRotation: (cos: Double, sin: Double)
    let rate: Double
    var random: DemoRandom
    private var amplitudes: [Double] = []
    private var rotations: [(cos: Double, sin: Double)] = []
    private var phasors: [(re: Double, im: Double)] = []
    private var lowNoise = 0.0
    private let lowPole: Double
    private var roughness = 0.0
    private let roughnessPole: Double
    private let roughnessScale: Double
    private var sinceRenormalisation = 0

    init(sampleRateHz: Double, mainsFrequencyHz: Double, random: DemoRandom) {
        rate = sampleRateHz
        self.random = random
        lowPole = 1 - exp(-2 * Double.pi * 600 / sampleRateHz)
        strokeRotation = (cos(2 * Double.pi * DemoHumSynthesizer.strokeHz / sampleRateHz), sin(2 * Double.pi * DemoHumSynthesizer.strokeHz / sampleRateHz))
        roughnessPole = 1 - exp(-2 * Double.pi * DemoHumSynthesizer.roughnessHz / sampleRateHz)
        roughnessScale = DemoHumSynthesizer.roughnessDepth / (roughnessPole / (2 - roughnessPole)).squareRoot()
        var frequencies: [Double] = []
        let top = min(3_500, 0.45 * rate)
        var k = 1
        while Double(k) * mainsFrequencyHz <= top {
            // The second harmonic (magnetostriction) dominates; the rest fall off as 1/√k (odd ones
            // lower still) with a seeded spread.
            let base = k == 2 ? 1.0 : (k == 1 ? 0.45 : 0.55 / Double(k).squareRoot() / (k % 2 == 0 ? 1.0 : 1.6))
            frequencies.append(Double(k) * mainsFrequencyHz)
            amplitudes.append(base * self.random.uniform(0.6...1.4))
            k += 1
        }
        // A component 0.7 Hz above the second harmonic: the two beat slowly.
        frequencies.append(2 * mainsFrequencyHz + 0.7)
        amplitudes.append(0.5)
        // A motor at 24.5 rev/s with 7 blades: blade-pass 171.5 Hz and two harmonics.
        for h in 1...3 {
            frequencies.append(Double(h) * 7 * 24.5)
            amplitudes.append(0.35 / Double(h))
        }
        for f in frequencies {
            let step = 2 * Double.pi * f / rate
            rotations.append((cos(step), sin(step)))
            let start = 2 * Double.pi * self.random.uniform()
            phasors.append((cos(start), sin(start)))
        }
    }

    mutating func next() -> Double {
        var x = 0.0
        for i in 0..<phasors.count {
            let p = phasors[i], r = rotations[i]
            x += amplitudes[i] * p.im
            phasors[i] = (p.re * r.cos - p.im * r.sin, p.im * r.cos + p.re * r.sin)
        }
        sinceRenormalisation += 1
        if sinceRenormalisation == 1024 {
            sinceRenormalisation = 0
            for i in 0..<phasors.count {
                let p = phasors[i]
                let g = (3 - (p.re * p.re + p.im * p.im)) / 2   // one Newton step toward length 1
                phasors[i] = (p.re * g, p.im * g)
            }
        }
        // Broadband motor noise: white plus a low-passed (one pole at 600 Hz) rumble, its level
        // fluctuating irregularly (turbulence, rattle): a log-normal envelope whose logarithm is
        // Gaussian noise low-passed at `roughnessHz`, with a standard deviation of `roughnessDepth`.
        let white = random.gaussian()
        lowNoise += (white - lowNoise) * lowPole
        roughness += (random.gaussian() - roughness) * roughnessPole
        // Capped at two standard deviations, so the loudest rattles stay below full scale.
        let depth = DemoHumSynthesizer.roughnessDepth
        let envelope = exp(min(roughnessScale * roughness, 2 * depth) - 0.5 * depth * depth)
        // The machine's stroke: the whole sound pulses at `strokeHz`.
        let stroke = 1 + DemoHumSynthesizer.strokeDepth * strokePhasor.im
        strokePhasor = (strokePhasor.re * strokeRotation.cos - strokePhasor.im * strokeRotation.sin,
                        strokePhasor.im * strokeRotation.cos + strokePhasor.re * strokeRotation.sin)
        return 0.5 * stroke * (0.066 * x + envelope * (0.026 * white + 0.11 * lowNoise))
    }
}
