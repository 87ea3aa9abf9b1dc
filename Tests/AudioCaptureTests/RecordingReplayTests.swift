import AudioCapture
import Foundation
import Testing

@Suite struct RecordingReplayTests {
    let directory = TemporaryDirectory()

    /// Seeded integer codes in the encoding's range, with both extremes.
    static func codes(_ encoding: WAVEncoding, count: Int, seed: UInt64) -> [Int64] {
        var random = XorShift64Star(seed: seed)
        return (0..<count).map { i in
            let r = random.next()
            switch encoding {
            case .pcm16: return i == 0 ? Int64(Int16.min) : i == 1 ? Int64(Int16.max) : Int64(Int16(truncatingIfNeeded: r >> 48))
            case .pcm24: return i == 0 ? -(1 << 23) : i == 1 ? (1 << 23) - 1 : Int64(Int32(truncatingIfNeeded: r >> 40) - (1 << 23))
            case .pcm32: return i == 0 ? Int64(Int32.min) : i == 1 ? Int64(Int32.max) : Int64(Int32(truncatingIfNeeded: r >> 32))
            case .float32:
                let v: Float = i == 0 ? -1 : i == 1 ? 1 : Float(Int32(truncatingIfNeeded: r >> 32)) / 2_147_483_648
                return Int64(v.bitPattern)
            }
        }
    }

    /// libsndfile's normalisation of one code to Float.
    static func normalised(_ code: Int64, _ encoding: WAVEncoding) -> Float {
        switch encoding {
        case .pcm16: Float(code) / 32768
        case .pcm24: Float(code) / 8_388_608
        case .pcm32: Float(code) / 2_147_483_648
        case .float32: Float(bitPattern: UInt32(code))
        }
    }

    static func expectedMono(_ codes: [Int64], _ encoding: WAVEncoding, channels: Int) -> [Float] {
        stride(from: 0, to: codes.count, by: channels).map { base in
            var sum = normalised(codes[base], encoding)
            for c in 1..<max(channels, 1) where channels > 1 { sum += normalised(codes[base + c], encoding) }
            return channels == 1 ? sum : sum / Float(channels)
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var encoding: WAVEncoding
        var channels: Int
        var testDescription: String { "\(encoding) × \(channels) ch" }
    }

    @Test("WAV files read back to the expected mono samples", arguments: [
        Case(encoding: .pcm16, channels: 1), Case(encoding: .pcm16, channels: 2), Case(encoding: .pcm24, channels: 1),
        Case(encoding: .pcm24, channels: 2), Case(encoding: .pcm32, channels: 1), Case(encoding: .float32, channels: 1),
        Case(encoding: .float32, channels: 2), Case(encoding: .pcm16, channels: 6),
    ])
    func wavRoundTrip(_ c: Case) throws {
        let frames = 1_000   // three whole periods of 320 and a partial one of 40
        let codes = Self.codes(c.encoding, count: frames * c.channels, seed: 99)
        let path = try directory.write("\(c.encoding)-\(c.channels).wav",
                                       makeWAV(encoding: c.encoding, channelCount: c.channels, sampleRateHz: 16_000, samples: codes))
        let replay = try RecordingReplay(path: path)
        #expect(replay.recording.channelCount == c.channels)
        #expect(replay.recording.frames == Int64(frames))
        #expect(replay.recording.formatName.hasPrefix("WAV"))
        #expect(!replay.isResampling)
        let got = collectAll(replay)
        #expect(got.map(\.info.validFrames) == [320, 320, 320, 40])
        let samples = got.flatMap(\.samples)
        let expected = Self.expectedMono(codes, c.encoding, channels: c.channels)
        #expect(mismatches(samples[0..<frames], expected) == 0)
        #expect(samples[frames...].allSatisfy { $0 == 0 })     // zero padding
        #expect(replay.counters == {
            var k = RecordingReplayCounters()
            k.periodsDelivered = 4; k.framesRead = UInt64(frames); k.framesDelivered = UInt64(frames)
            return k
        }())
    }

    /// Needs sox (apt package `sox`) to write the FLAC and AIFF files; skipped, visibly, without it.
    @Test("formats other than WAV that libsndfile reads (FLAC, AIFF via sox) give the same samples",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sox"), "needs /usr/bin/sox"))
    func otherContainers() throws {
        let codes = Self.codes(.pcm16, count: 2 * 800, seed: 5)
        let wav = try directory.write("source.wav", makeWAV(encoding: .pcm16, channelCount: 2, sampleRateHz: 16_000, samples: codes))
        let expected = Self.expectedMono(codes, .pcm16, channels: 2)
        for ext in ["flac", "aiff"] {
            let out = directory.file("converted.\(ext)")
            let sox = Process()
            sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
            sox.arguments = [wav, out]
            try sox.run()
            sox.waitUntilExit()
            try #require(sox.terminationStatus == 0)
            let replay = try RecordingReplay(path: out)
            let got = collectAll(replay).flatMap(\.samples)
            #expect(mismatches(got[0..<800], expected) == 0, "\(ext)")
        }
    }

    @Test("a 44.1 kHz 1 kHz tone resampled to 16 kHz keeps its length and frequency")
    func resampling() throws {
        let inRate = 44_100, seconds = 2
        let codes = (0..<(inRate * seconds)).map { i in
            Int64((0.5 * sin(2 * Double.pi * 1000 * Double(i) / Double(inRate)) * 32767).rounded())
        }
        let path = try directory.write("tone44k.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: inRate, samples: codes))
        let log = LogRecorder()
        let replay = try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(sampleRateHz: 16_000, periodFrames: 320), logger: log.logger)
        #expect(replay.isResampling)
        #expect(log.contains("resampling 44100 Hz -> 16000 Hz with libsamplerate sincFastest"))
        var got: [CollectedPeriod] = []
        let elapsed = measure { got = collectAll(replay) }
        print("resampling 2 s of 44.1 kHz to 16 kHz (sincFastest): \(String(format: "%.1f", elapsed * 1000)) ms")
        let valid = got.reduce(0) { $0 + $1.info.validFrames }
        #expect(abs(valid - 16_000 * seconds) <= 320)
        #expect(got.dropLast().allSatisfy { $0.info.validFrames == 320 })
        let out = Array(got.flatMap(\.samples)[0..<valid])

        // Frequency from rising zero crossings (linearly interpolated) over the middle second.
        let middle = Array(out[8_000..<24_000])
        var crossings: [Double] = []
        for i in 1..<middle.count where middle[i - 1] < 0 && middle[i] >= 0 {
            crossings.append(Double(i - 1) + Double(-middle[i - 1] / (middle[i] - middle[i - 1])))
        }
        let frequency = Double(crossings.count - 1) / ((crossings.last! - crossings.first!) / 16_000)
        #expect(abs(frequency - 1000) < 0.5)
        // Amplitude preserved (0.5 peak → RMS 0.3536).
        let rms = (middle.reduce(0) { $0 + Double($1) * Double($1) } / Double(middle.count)).squareRoot()
        #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.005)
        #expect(replay.counters.framesRead == UInt64(inRate * seconds))
    }

    @Test("medium-quality resampling also works")
    func mediumQuality() throws {
        let codes = (0..<22_050).map { i in Int64((0.25 * sin(2 * Double.pi * 440 * Double(i) / 22_050) * 32767).rounded()) }
        let path = try directory.write("tone22k.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 22_050, samples: codes))
        let replay = try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(sampleRateHz: 16_000, resampling: .sincMediumQuality))
        let valid = collectAll(replay).reduce(0) { $0 + $1.info.validFrames }
        #expect(abs(valid - 16_000) <= 320)
    }

    @Test("a rate mismatch with resampling disabled is refused with a clear message")
    func resamplingDisabled() throws {
        let path = try directory.write("48k.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 48_000, samples: Array(repeating: 0, count: 480)))
        #expect(throws: RecordingError.sampleRateMismatch(path: path, fileRateHz: 48_000, requiredRateHz: 16_000)) {
            try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(resampling: .disabled))
        }
        do {
            _ = try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(resampling: .disabled))
        } catch {
            #expect(error.description == "recording \(path) is 48000 Hz but 16000 Hz is configured and resampling is disabled; enable resampling or convert it (e.g. sox in.wav -r 16000 out.wav)")
        }
    }

    @Test("real-time pacing: 0.5 s of audio takes at least 0.45 s; unpaced is fast")
    func pacing() throws {
        let codes = Self.codes(.pcm16, count: 8_000, seed: 8)     // 0.5 s at 16 kHz, 25 periods
        let path = try directory.write("half-second.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: codes))
        let paced = try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(pacing: .realTime))
        var pacedPeriods = 0
        let pacedSeconds = measure { pacedPeriods = collectAll(paced).count }
        #expect(pacedPeriods == 25)
        #expect(pacedSeconds >= 0.45)
        #expect(pacedSeconds < 5)

        let unpaced = try RecordingReplay(path: path)
        var unpacedPeriods = 0
        let unpacedSeconds = measure { unpacedPeriods = collectAll(unpaced).count }
        #expect(unpacedPeriods == 25)
        #expect(unpacedSeconds < 0.45)
        print("replay of 0.5 s: paced \(String(format: "%.3f", pacedSeconds)) s, unpaced \(String(format: "%.2f", unpacedSeconds * 1000)) ms")
    }

    @Test("with real-time pacing a short timeout returns .timedOut without losing the period")
    func pacingTimeout() throws {
        let codes = Self.codes(.pcm16, count: 3_200, seed: 9)
        let path = try directory.write("timeout.wav", makeWAV(encoding: .pcm16, channelCount: 1, sampleRateHz: 16_000, samples: codes))
        let replay = try RecordingReplay(path: path, configuration: RecordingReplayConfiguration(periodFrames: 1_600, pacing: .realTime))
        replay.start()
        var buffer = [Float](repeating: 0, count: 1_600)
        #expect(replay.nextPeriod(into: &buffer, timeout: .milliseconds(5)) == .timedOut)
        #expect(replay.nextPeriod(into: &buffer, timeout: .seconds(1)) == .period(PeriodInfo(sequenceNumber: 0, validFrames: 1_600, followsGap: false)))
        #expect(mismatches(buffer, Self.expectedMono(Array(codes[0..<1_600]), .pcm16, channels: 1)) == 0)
        replay.stop()
        #expect(replay.nextPeriod(into: &buffer, timeout: nil) == .endOfStream)
    }

    @Test("capture and replay are interchangeable behind AudioPeriodSource")
    func sameInterface() throws {
        let codes = Self.codes(.pcm16, count: 2 * 1_280, seed: 10)
        let wav = try directory.write("both.wav", makeWAV(encoding: .pcm16, channelCount: 2, sampleRateHz: 16_000, samples: codes))
        let raw = try directory.write("both.raw", makeWAV(encoding: .pcm16, channelCount: 2, sampleRateHz: 16_000, samples: codes).suffix(from: 44).map { $0 })
        let sources: [any AudioPeriodSource] = [
            try RecordingReplay(path: wav),
            try ALSACapture(configuration: ALSACaptureConfiguration(
                deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: raw), channelCount: 2)),
        ]
        var results: [[Float]] = []
        for source in sources {
            source.start()
            var samples: [Float] = []
            source.forEachPeriod { period, _ in
                samples.append(contentsOf: period)
                return samples.count < 1_280
            }
            source.stop()
            results.append(samples)
        }
        #expect(results[0].count == 1_280)
        #expect(mismatches(results[0], results[1]) == 0)
        #expect(mismatches(results[0], Self.expectedMono(codes, .pcm16, channels: 2)) == 0)
    }
}
