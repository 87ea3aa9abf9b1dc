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
        (self.sampleRateHz, self.speechSeconds, self.humSeconds) = (sampleRateHz, speechSeconds, humSeconds)
        (self.mainsFrequencyHz, self.seed) = (mainsFrequencyHz, seed)
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
