import AudioCapture
import Foundation
import Testing

@Suite struct DemoRecordingTests {
    let directory = TemporaryDirectory()

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Mean power of `samples[range]`, in dB.
    static func powerDB(_ samples: [Float], _ range: Range<Int>) -> Double {
        let sum = samples[range].reduce(0.0) { $0 + Double($1) * Double($1) }
        return 10 * log10(sum / Double(range.count))
    }

    /// Power of the band around `frequencyHz` (a Goertzel filter over `samples[range]`), in dB.
    static func tonePowerDB(_ samples: [Float], _ range: Range<Int>, frequencyHz: Double, rateHz: Double) -> Double {
        let w = 2 * Double.pi * frequencyHz / rateHz, c = 2 * cos(w)
        var s1 = 0.0, s2 = 0.0
        for x in samples[range] {
            let s = Double(x) + c * s1 - s2
            s2 = s1
            s1 = s
        }
        let power = (s1 * s1 + s2 * s2 - c * s1 * s2) / Double(range.count * range.count)
        return 10 * log10(power)
    }

    @Test("the same seed gives identical bytes; another seed gives another recording")
    func deterministic() throws {
        let short = DemoRecordingConfiguration(speechSeconds: 3, humSeconds: 2, seed: 42)
        let a = directory.file("a.wav"), b = directory.file("b.wav"), c = directory.file("c.wav")
        try DemoRecording(short).write(to: a)
        try DemoRecording(short).write(to: b)
        var other = short
        other.seed = 43
        try DemoRecording(other).write(to: c)
        #expect(try Self.bytes(a) == Self.bytes(b))
        #expect(try Self.bytes(a) != Self.bytes(c))
        #expect(try Self.bytes(a).count == 44 + 2 * 5 * 16_000)
        // Streaming in blocks and generating at once agree, and the file holds the 16-bit codes.
        let samples = DemoRecording(short).samples()
        let replayed = collectAll(try RecordingReplay(path: a)).flatMap(\.samples)
        #expect(mismatches(replayed[0..<samples.count], samples.map { Float(WAVWriter.code($0)) / 32768 }) == 0)
    }

    @Test("lengths, the change point and the change frame follow the configuration")
    func geometry() {
        let demo = DemoRecording()
        #expect(demo.sampleCount == 60 * 16_000)
        #expect(demo.changeSampleIndex == 30 * 16_000)
        #expect(demo.changeSeconds == 30)
        #expect(demo.durationSeconds == 60)
        #expect(demo.firstHumSampleIndex == 30 * 16_000 - 80)
        // hamlet learn: 10 ms hop, 25 ms window; frame 2998 covers samples 479,680 ..< 480,080.
        #expect(demo.changeFeatureFrame(hopFrames: 160, windowFrames: 400) == 2998)
        let humOnly = DemoRecording(.init(speechSeconds: 0, humSeconds: 1))
        #expect(humOnly.firstHumSampleIndex == 0)
        #expect(humOnly.changeFeatureFrame(hopFrames: 160, windowFrames: 400) == 0)
        #expect(DemoRecordingConfiguration(sampleRateHz: 1000).problems.count == 1)
        #expect(DemoRecordingConfiguration(speechSeconds: -1, mainsFrequencyHz: 400).problems.count == 2)
    }

    @Test("speech then hum: syllables come and go before the change, a steady 100 Hz hum follows it")
    func spectralChange() {
        let demo = DemoRecording(.init(speechSeconds: 10, humSeconds: 10, seed: 3))
        let x = demo.samples()
        let rate = 16_000.0
        #expect(x.allSatisfy { $0.isFinite && abs($0) <= 1 })
        let speech = 0..<demo.changeSampleIndex, hum = demo.changeSampleIndex..<demo.sampleCount
        // Levels: both parts are audible and neither is near full scale on average.
        #expect((-30 ... -15).contains(Self.powerDB(x, speech)))
        #expect((-30 ... -15).contains(Self.powerDB(x, hum)))
        // Speech has syllables and pauses: its 50 ms power spans a wide range; the hum's far less.
        func spread(_ r: Range<Int>) -> Double {
            let blocks = stride(from: r.lowerBound, to: r.upperBound - 800, by: 800).map { Self.powerDB(x, $0..<($0 + 800)) }.sorted()
            return blocks[blocks.count * 95 / 100] - blocks[blocks.count * 5 / 100]
        }
        #expect(spread(speech) > 20)
        #expect(spread(hum) < 12)
        // The hum's second mains harmonic stands far above the speech's energy at 100 Hz.
        let humTone = Self.tonePowerDB(x, hum, frequencyHz: 100, rateHz: rate)
        let speechTone = Self.tonePowerDB(x, speech, frequencyHz: 100, rateHz: rate)
        #expect(humTone - speechTone > 20, "100 Hz: hum \(humTone) dB, speech \(speechTone) dB")
        // 60 Hz mains moves the harmonics.
        let us = DemoRecording(.init(speechSeconds: 0, humSeconds: 2, mainsFrequencyHz: 60, seed: 3)).samples()
        #expect(Self.tonePowerDB(us, 0..<us.count, frequencyHz: 120, rateHz: rate)
                - Self.tonePowerDB(us, 0..<us.count, frequencyHz: 100, rateHz: rate) > 20)
    }
}
