import SeededRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The speech-like part: syllables of a source-filter voice, grouped into phrases.
struct DemoSpeechSynthesizer: Sendable {
    /// F1, F2, F3 in Hz of the vowels a syllable may carry (adult male averages, Peterson–Barney).
    static let vowels: [(Double, Double, Double)] = [
        (270, 2290, 3010), (390, 1990, 2550), (530, 1840, 2480), (660, 1720, 2410), (730, 1090, 2440),
        (570, 840, 2410), (440, 1020, 2240), (300, 870, 2240), (640, 1190, 2390), (490, 1350, 1690),
    ]
    /// F2 loci of the consonants before a vowel (labial, alveolar, velar): where F2 starts its glide.
    static let loci: [Double] = [800, 1800, 2300]

    let rate: Double
    var random: DemoRandom
    // Segment schedule.
    private var segmentLeft = 0           // samples left in the current segment
    private var segmentLength = 1
    private var voiced = false
    private var syllablesLeftInPhrase = 0
    private var burstLeft = 0
    private var burstLength = 1
    private var gain = 0.0
    // Pitch.
    private var phraseBasePitch = 140.0
    private var phraseElapsed = 0.0
    private var phraseLength = 1.0
    private var accent = 0.0
    private var pitch = 140.0
    private var phase = 0.0
    private var previousPulse = 0.0
    private var periodJitter = 1.0
    // Formants: current values glide toward targets.
    private var formants = (500.0, 1500.0, 2500.0)
    private var targets = (500.0, 1500.0, 2500.0)
    private var f1 = DemoResonator(), f2 = DemoResonator(), f3 = DemoResonator(), f4 = DemoResonator()
    private var fricative = DemoResonator()
    private var previousNoise = 0.0
    private var tuneCountdown = 0

    init(sampleRateHz: Double, random: DemoRandom) {
        rate = sampleRateHz
        self.random = random
        f4.tune(frequencyHz: 3300, bandwidthHz: 250, sampleRateHz: rate)
        fricative.tune(frequencyHz: min(4500, 0.4 * rate), bandwidthHz: 1500, sampleRateHz: rate)
        startPhrase()
    }

    private mutating func startPhrase() {
        syllablesLeftInPhrase = Int(random.uniform(3...8.999))
        phraseBasePitch = random.uniform(125...170)
        phraseElapsed = 0
        phraseLength = Double(syllablesLeftInPhrase) * 0.24
    }

    private mutating func nextSegment() {
        if voiced {
            // After a syllable: a short gap, or a pause at the end of a phrase.
            voiced = false
            if syllablesLeftInPhrase == 0 {
                segmentLength = Int(random.uniform(0.25...0.5) * rate)
                startPhrase()
            } else {
                segmentLength = Int(random.uniform(0.02...0.06) * rate)
            }
        } else {
            voiced = true
            syllablesLeftInPhrase -= 1
            segmentLength = Int(random.uniform(0.12...0.28) * rate)
            gain = random.uniform(0.55...1.0)
            accent = random.uniform(0...1) < 0.35 ? random.uniform(15...45) : random.uniform(-5...8)
            let v = Self.vowels[Int(random.uniform() * Double(Self.vowels.count))]
            let scale = random.uniform(0.93...1.07)
            targets = (v.0 * scale, v.1 * scale, v.2 * scale)
            // Start from a consonant locus, so the formants glide into the vowel.
            let locus = Self.loci[Int(random.uniform() * Double(Self.loci.count))]
            formants = (max(250, 0.6 * targets.0), locus, targets.2 * random.uniform(0.95...1.05))
            if random.uniform() < 0.5 {
                burstLength = Int(random.uniform(0.03...0.08) * rate)
                burstLeft = burstLength
            }
        }
        segmentLeft = max(1, segmentLength)
    }

    /// Rosenberg glottal pulse over one period, phase in [0, 1): opening 40 %, closing 16 %.
    private static func glottalPulse(_ p: Double) -> Double {
        if p < 0.4 { return 0.5 - 0.5 * cos(Double.pi * p / 0.4) }
        if p < 0.56 { return cos(Double.pi * (p - 0.4) / 0.32) }
        return 0
    }

    mutating func next() -> Double {
        if segmentLeft == 0 { nextSegment() }
        let position = Double(segmentLength - segmentLeft) / Double(segmentLength)
        segmentLeft -= 1
        phraseElapsed += 1 / rate

        // Pitch: phrase declination (−20 % over the phrase), the syllable's accent, smoothed over ~40 ms.
        let declination = 1 - 0.2 * min(1, phraseElapsed / phraseLength)
        let target = min(220, max(100, phraseBasePitch * declination + (voiced ? accent * sin(Double.pi * position) : 0)))
        pitch += (target - pitch) * (1 / (0.04 * rate))

        // Formants glide toward the vowel with a ~35 ms time constant; retuned every 8 samples.
        let glide = 1 / (0.035 * rate)
        formants.0 += (targets.0 - formants.0) * glide
        formants.1 += (targets.1 - formants.1) * glide
        formants.2 += (targets.2 - formants.2) * glide
        if tuneCountdown == 0 {
            f1.tune(frequencyHz: formants.0, bandwidthHz: 60 + 0.05 * formants.0, sampleRateHz: rate)
            f2.tune(frequencyHz: formants.1, bandwidthHz: 80 + 0.04 * formants.1, sampleRateHz: rate)
            f3.tune(frequencyHz: formants.2, bandwidthHz: 120 + 0.03 * formants.2, sampleRateHz: rate)
            tuneCountdown = 8
        }
        tuneCountdown -= 1

        // Source: differentiated glottal pulse (voicing) plus breath noise, under the syllable envelope.
        var envelope = 0.0
        if voiced {
            // Fast attack (~15 % of the syllable), slower decay.
            envelope = position < 0.15 ? sin(0.5 * Double.pi * position / 0.15) : pow(cos(0.5 * Double.pi * (position - 0.15) / 0.85), 0.6)
            envelope *= gain
        }
        let jitteredStep = pitch * periodJitter / rate
        phase += jitteredStep
        if phase >= 1 {
            phase -= 1
            periodJitter = 1 + 0.01 * random.gaussian()
        }
        let pulse = Self.glottalPulse(phase)
        let voicing = (pulse - previousPulse) * rate / pitch   // period-normalised derivative
        previousPulse = pulse
        let noise = random.gaussian()
        let breath = 0.06 * noise * (0.4 + pulse)              // aspiration, stronger while the glottis is open
        var x = envelope * (voicing + breath)
        x = f1.process(x)
        x = f2.process(x)
        x = f3.process(x)
        x = f4.process(x)

        // A fricative burst before some syllables: high-passed noise through a broad 4.5 kHz resonance.
        var burst = 0.0
        if burstLeft > 0 {
            let b = Double(burstLength - burstLeft) / Double(burstLength)
            burst = 0.015 * gain * sin(Double.pi * b) * fricative.process(noise - previousNoise)
            burstLeft -= 1
        } else {
            _ = fricative.process(0)
        }
        previousNoise = noise
        return 0.02 * x + burst
    }
}
