import SeededRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of the demo recording: speech for `speechSeconds`, then a machine hum for `humSeconds`.
public struct DemoRecordingConfiguration: Sendable, Equatable {
    public var sampleRateHz: Int
    /// Length of the speech part; the hum starts here (`DemoRecording.changeSeconds`).
    public var speechSeconds: Double
    /// Length of the hum part.
    public var humSeconds: Double
    /// The hum's mains frequency: 50 Hz (Europe, most of Asia) or 60 Hz (the Americas).
    public var mainsFrequencyHz: Double
    /// Everything random (syllables, pitch, vowels, noise, the hum's harmonic mix) follows from it.
    public var seed: UInt64

    public init(
        sampleRateHz: Int = 16_000, speechSeconds: Double = 30, humSeconds: Double = 30, mainsFrequencyHz: Double = 50,
        seed: UInt64 = 1
    ) {
        self.sampleRateHz = sampleRateHz
        self.speechSeconds = speechSeconds
        self.humSeconds = humSeconds
        self.mainsFrequencyHz = mainsFrequencyHz
        self.seed = seed
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if !(8_000...192_000).contains(sampleRateHz) {
            found.append("sampleRateHz must be 8000 ... 192000 (the speech's formants reach 3.5 kHz), got \(sampleRateHz)")
        }
        if !(speechSeconds.isFinite && speechSeconds >= 0 && speechSeconds <= 86_400) {
            found.append("speechSeconds must be 0 ... 86400, got \(speechSeconds)")
        }
        if !(humSeconds.isFinite && humSeconds >= 0 && humSeconds <= 86_400) {
            found.append("humSeconds must be 0 ... 86400, got \(humSeconds)")
        }
        if !(mainsFrequencyHz.isFinite && (40...70).contains(mainsFrequencyHz)) {
            found.append("mainsFrequencyHz must be 40 ... 70 (50 or 60 in practice), got \(mainsFrequencyHz)")
        }
        return found
    }
}

/// A seeded synthetic recording with one known change: speech-like sound, then a machine hum.
///
/// - Speech (until `changeSeconds`): a source-filter voice. A glottal pulse train (Rosenberg
///   pulse, differentiated for lip radiation) at a pitch of 100–220 Hz that declines over each
///   phrase and rises on stressed syllables, with a little jitter and breath noise, goes through
///   a cascade of four formant resonators (F1–F3 glide from a consonant locus to the syllable's
///   vowel, F4 fixed). Syllables last 0.12–0.28 s with 20–60 ms gaps (about 4 per second), some
///   start with a short fricative burst, and phrases of 3–8 syllables are separated by
///   0.25–0.5 s pauses.
/// - Hum (from `changeSeconds`): the mains frequency and its harmonics up to 3.5 kHz (the second,
///   from magnetostriction, strongest), beating slowly against a component 0.7 Hz away, a motor's
///   blade-pass tone at 7 × 24.5 Hz with two harmonics, and broadband motor noise whose level
///   rattles irregularly (a log-normal envelope, 1.2 nepers, band-limited to 30 Hz); the whole
///   machine pulses with its 12.5 Hz stroke (80 % modulation).
/// - Both parts lie over the same noise floor (−46 dBFS RMS, a quiet room), so no frame is
///   digital silence and the pauses between phrases are not infinitely deep, and are joined by
///   a 10 ms raised-cosine crossfade centred on the change sample.
///
/// Why the hum is rough: a perfectly steady hum is easier to forecast than speech, so a
/// forecaster's error would fall at the change, and drift detectors watch for rises. With the
/// rattle and the stroke, the hum's log-mel frames fluctuate more from one 10 ms hop to the next
/// (in units of their own spread) than speech's do.
///
/// Levels: speech about −23 dBFS RMS, hum about −24 dBFS RMS; a handful of the hum's loudest
/// rattle peaks are clipped at full scale. The same configuration gives the same samples, bit for
/// bit, on the same platform (libm's `sin`, `cos`, `exp`, `log` and `pow` are the only outside code).
public struct DemoRecording: Sendable {
    public let configuration: DemoRecordingConfiguration
    /// Index of the first sample of the hum.
    public let changeSampleIndex: Int
    /// Samples in the whole recording (mono).
    public let sampleCount: Int

    /// Checks the configuration (a precondition; see `DemoRecordingConfiguration.problems`).
    public init(_ configuration: DemoRecordingConfiguration = DemoRecordingConfiguration()) {
        precondition(configuration.problems.isEmpty, "DemoRecording: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        let rate = Double(configuration.sampleRateHz)
        changeSampleIndex = Int((configuration.speechSeconds * rate).rounded())
        sampleCount = changeSampleIndex + Int((configuration.humSeconds * rate).rounded())
    }

    /// When the hum starts, in seconds from the beginning.
    public var changeSeconds: Double { Double(changeSampleIndex) / Double(configuration.sampleRateHz) }

    /// Length of the recording in seconds.
    public var durationSeconds: Double { Double(sampleCount) / Double(configuration.sampleRateHz) }

    /// The first sample with any hum in it: the crossfade's start, 5 ms before `changeSampleIndex`
    /// (the change sample itself when one of the parts is empty).
    public var firstHumSampleIndex: Int {
        let fading = changeSampleIndex > 0 && changeSampleIndex < sampleCount
        return fading ? max(0, changeSampleIndex - DemoRecordingGenerator.crossfadeHalfFrames(configuration.sampleRateHz)) : changeSampleIndex
    }

    /// The first feature frame whose window holds any hum, for frames of `windowFrames` samples
    /// every `hopFrames` (frame k covers samples k·hop ..< k·hop + window; `hamlet learn` uses a
    /// 160-sample hop and a 400-sample window at 16 kHz, so the default recording's change is at
    /// frame 2998). Alerts at or after this frame may be caused by the change; earlier ones cannot.
    public func changeFeatureFrame(hopFrames: Int, windowFrames: Int) -> Int {
        precondition(hopFrames > 0 && windowFrames > 0, "hopFrames and windowFrames must be positive")
        let reach = firstHumSampleIndex - windowFrames + 1   // k·hop must reach this
        return reach <= 0 ? 0 : (reach + hopFrames - 1) / hopFrames
    }

    /// A generator positioned at the first sample.
    public func makeGenerator() -> DemoRecordingGenerator { DemoRecordingGenerator(self) }

    /// All samples, in [−1, 1].
    public func samples() -> [Float] {
        var generator = makeGenerator()
        var out = [Float](repeating: 0, count: sampleCount)
        out.withUnsafeMutableBufferPointer { _ = generator.fill($0) }
        return out
    }

    /// Writes the recording as a mono WAV file at `sampleRateHz`, streaming it in blocks.
    public func write(to path: String, encoding: WAVSampleEncoding = .pcm16) throws(WAVWriterError) {
        let writer = try WAVWriter(path: path, sampleRateHz: configuration.sampleRateHz, channelCount: 1, encoding: encoding)
        var generator = makeGenerator()
        var block = [Float](repeating: 0, count: 8192)
        while true {
            let n = block.withUnsafeMutableBufferPointer { generator.fill($0) }
            if n == 0 { break }
            let result: Result<Void, WAVWriterError> = block.withUnsafeBufferPointer { buffer in
                do throws(WAVWriterError) {
                    try writer.write(UnsafeBufferPointer(rebasing: buffer[0..<n]))
                    return .success(())
                } catch { return .failure(error) }
            }
            try result.get()
        }
        try writer.close()
    }
}

/// Produces a `DemoRecording`'s samples in order. Allocates nothing; one thread at a time.
public struct DemoRecordingGenerator: Sendable {
    public let recording: DemoRecording
    /// Index of the next sample.
    public private(set) var position = 0
    private var speech: DemoSpeechSynthesizer
    private var hum: DemoHumSynthesizer
    private var floorNoise: DemoRandom
    private let crossfadeHalf: Int

    init(_ recording: DemoRecording) {
        self.recording = recording
        let c = recording.configuration
        let rate = Double(c.sampleRateHz)
        // Independent streams per part, so the speech does not change when only the hum's length does.
        speech = DemoSpeechSynthesizer(sampleRateHz: rate, random: DemoRandom(seed: c.seed, stream: 1))
        hum = DemoHumSynthesizer(sampleRateHz: rate, mainsFrequencyHz: c.mainsFrequencyHz, random: DemoRandom(seed: c.seed, stream: 2))
        floorNoise = DemoRandom(seed: c.seed, stream: 3)
        crossfadeHalf = Self.crossfadeHalfFrames(c.sampleRateHz)
    }

    /// Half the crossfade between the parts: 5 ms.
    static func crossfadeHalfFrames(_ sampleRateHz: Int) -> Int { max(1, sampleRateHz / 200) }

    /// Fills `buffer` with the next samples; returns how many (fewer at the end, 0 after it).
    public mutating func fill(_ buffer: UnsafeMutableBufferPointer<Float>) -> Int {
        let n = min(buffer.count, recording.sampleCount - position)
        guard n > 0 else { return 0 }
        let change = recording.changeSampleIndex
        // Crossfade only where both parts exist.
        let fading = change > 0 && change < recording.sampleCount
        let fadeStart = fading ? change - crossfadeHalf : change, fadeEnd = fading ? change + crossfadeHalf : change
        for i in 0..<n {
            let t = position + i
            var x: Double
            if t < fadeStart {
                x = speech.next()
            } else if t >= fadeEnd {
                x = hum.next()
            } else {
                // Raised-cosine crossfade over fadeStart ..< fadeEnd.
                let w = 0.5 - 0.5 * cos(Double.pi * (Double(t - fadeStart) + 0.5) / Double(fadeEnd - fadeStart))
                x = (1 - w) * speech.next() + w * hum.next()
            }
            x += 5e-3 * floorNoise.gaussian()
            buffer[i] = Float(max(-1, min(1, x)))
        }
        position += n
        return n
    }
}

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
