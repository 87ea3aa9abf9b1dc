import Foundation
import SafeTensors
import Testing

/// `hamlet learn --wav` and `--alsa`: the real executable, a real WAV file, and real ALSA capture
/// through alsa-lib's `file` plugin (no sound card needed).
@Suite struct AudioLearnTests {
    /// 16-bit mono samples of a seeded mixture of tones and noise.
    static func samples(count: Int) -> [Int16] {
        var state: UInt64 = 12345
        return (0..<count).map { n in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(Int64(bitPattern: state >> 11) % 1000) / 1000
            let t = Double(n) / 16_000
            let value = 0.3 * sin(2 * .pi * 440 * t) + 0.2 * sin(2 * .pi * 1300 * t) * sin(2 * .pi * 3 * t) + 0.05 * noise
            return Int16(value * 32767)
        }
    }

    static func rawBytes(_ samples: [Int16]) -> Data {
        samples.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    /// A canonical 44-byte-header PCM WAV, 16 kHz mono 16-bit.
    static func wav(_ samples: [Int16]) -> Data {
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        let body = rawBytes(samples)
        var data = Data("RIFF".utf8) + le32(UInt32(36 + body.count)) + Data("WAVEfmt ".utf8)
        data += le32(16) + le16(1) + le16(1) + le32(16_000) + le32(32_000) + le16(2) + le16(16)
        return data + Data("data".utf8) + le32(UInt32(body.count)) + body
    }

    static let learnOptions = ["--state-size", "16", "--quiet"]

    /// A 32-bit float WAV at 16 kHz, mono: samples stored bit for bit, whatever their size.
    static func floatWAV(_ samples: [Float]) -> Data {
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        let body = samples.reduce(into: Data()) { $0 += le32($1.bitPattern) }
        var data = Data("RIFF".utf8) + le32(UInt32(36 + body.count)) + Data("WAVEfmt ".utf8)
        data += le32(16) + le16(3) + le16(1) + le32(16_000) + le32(64_000) + le16(4) + le16(32)
        return data + Data("data".utf8) + le32(UInt32(body.count)) + body
    }

    @Test("one float sample of 3.4e38 is left out of the normalisation: learning goes on with finite forecasts to the end")
    func hugeSample() throws {
        let directory = try TemporaryDirectory()
        let wavPath = directory.path("poison.wav")
        var samples = (0..<32_000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16_000)) }
        samples[16_000] = 3.4e38
        try Self.floatWAV(samples).write(to: URL(fileURLWithPath: wavPath))
        let result = try HamletProcess.run(["learn", "--wav", wavPath] + Self.learnOptions)
        #expect(result.status == 0, "\(result.standardError)")
        let records = try result.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(records.count == 1 + (32_000 - 400) / 160)
        #expect(records.allSatisfy { ($0["prediction"] as? [Any])?.allSatisfy { ($0 as? Double)?.isFinite == true } == true })
        #expect(records.last?["step"] as? Int == (32_000 - 400) / 160, "every frame after the first was learned from")
    }

    @Test("a WAV recording gives one forecast per 10 ms hop and a checkpoint")
    func recording() throws {
        let directory = try TemporaryDirectory()
        let wavPath = directory.path("sound.wav"), checkpoint = directory.path("sound.safetensors")
        try Self.wav(Self.samples(count: 16_000)).write(to: URL(fileURLWithPath: wavPath))
        let result = try HamletProcess.run(["learn", "--wav", wavPath, "--checkpoint", checkpoint] + Self.learnOptions)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.lines.count == 1 + (16_000 - 400) / 160, "frames of 400 samples every 160")
        let last = try #require(JSONSerialization.jsonObject(with: Data(result.lines.last!.utf8)) as? [String: Any])
        #expect(last["frame"] as? Int == 97)
        #expect((last["prediction"] as? [Double])?.count == 40)
        let file = try SafeTensorsFile.read(path: checkpoint)
        #expect(try file.tensors["step"]?.int64s() == [97])
    }

    @Test("a malformed recording is refused with its name and the reason")
    func badRecording() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("noise.wav", "this is not a wav file")
        let result = try HamletProcess.run(["learn", "--wav", path] + Self.learnOptions)
        #expect(result.status != 0)
        #expect(result.standardError.contains("noise.wav"))
    }

    @Test("ALSA capture through the file plugin learns exactly what the same samples replayed from WAV teach, and Ctrl-C ends it cleanly")
    func alsaCapture() throws {
        let directory = try TemporaryDirectory()
        // At most the capture ring's 64 periods of 320 frames, so no period is dropped before
        // the slower debug-build learner reads them: the first frames are comparable exactly.
        let samples = Self.samples(count: 20_000)
        let rawPath = directory.path("sensor.raw"), wavPath = directory.path("sensor.wav")
        try Self.rawBytes(samples).write(to: URL(fileURLWithPath: rawPath))
        try Self.wav(samples).write(to: URL(fileURLWithPath: wavPath))
        let configuration = try directory.write(
            "asound.conf",
            """
            pcm.sensor {
                type file
                slave.pcm { type null }
                file "/dev/null"
                infile "\(rawPath)"
                format "raw"
            }
            """)
        let checkpoint = directory.path("alsa.safetensors")
        let captured = try HamletProcess.run(
            ["learn", "--alsa", "sensor", "--checkpoint", checkpoint] + Self.learnOptions,
            environment: ["ALSA_CONFIG_PATH": configuration], interruptAfter: 1.0,
            interruptOnceStandardErrorContains: "opened ALSA PCM")
        #expect(captured.status == 0, "SIGINT ends capture cleanly: \(captured.standardError)")
        let replayed = try HamletProcess.run(["learn", "--wav", wavPath] + Self.learnOptions)
        let comparable = (20_000 - 400) / 160 + 1
        #expect(captured.lines.count >= comparable)
        #expect(Array(captured.lines.prefix(comparable)) == replayed.lines, "bit-identical features and forecasts")
        let steps = try #require(try SafeTensorsFile.read(path: checkpoint).tensors["step"]?.int64s().first)
        #expect(steps == Int64(captured.lines.count - 1), "the final checkpoint holds every learned step")
    }
}
