import AudioCapture
import CSndFile
import Foundation
import Testing

@Suite struct WAVWriterTests {
    let directory = TemporaryDirectory()

    /// Reads every frame of `path` as interleaved Floats with libsndfile (normalised like `RecordingReplay`).
    static func readInterleaved(_ path: String) throws -> (info: SF_INFO, samples: [Float]) {
        var info = SF_INFO()
        let handle = try #require(sf_open(path, Int32(SFM_READ), &info), "sf_open \(path)")
        defer { sf_close(handle) }
        var samples = [Float](repeating: .nan, count: Int(info.frames) * Int(info.channels))
        let read = samples.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, info.frames) }
        #expect(read == info.frames)
        return (info, samples)
    }

    @Test("16-bit: samples on the 1/32768 grid come back exactly through RecordingReplay, in blocks of any size")
    func pcm16RoundTrip() throws {
        var random = XorShift64Star(seed: 7)
        // 10,000 frames: more than two of the writer's 4096-frame blocks, written in uneven pieces.
        var samples = (0..<10_000).map { _ in Float(Int16(truncatingIfNeeded: random.next() >> 48)) / 32768 }
        samples[0] = -1
        samples[1] = Float(32767) / 32768
        let path = directory.file("grid.wav")
        let writer = try WAVWriter(path: path, sampleRateHz: 16_000)
        var start = 0
        for piece in [1, 999, 5000, 4000] {
            try writer.write(Array(samples[start..<(start + piece)]))
            start += piece
        }
        #expect(writer.framesWritten == 10_000)
        try writer.close()
        try writer.close()   // idempotent

        let replay = try RecordingReplay(path: path)
        #expect(replay.recording.frames == 10_000)
        #expect(replay.recording.encodingName.contains("16"))
        let got = collectAll(replay).flatMap(\.samples)
        #expect(mismatches(got[0..<10_000], samples) == 0)
    }

    @Test("16-bit: off-grid values round to the nearest code, full scale and beyond clip, NaN is silence")
    func pcm16Quantisation() throws {
        let inputs: [Float] = [0.3, -0.3, 1e-6, 1.0, 1.5, -1.0, -7, .nan, .infinity, -.infinity]
        let path = directory.file("quantised.wav")
        let writer = try WAVWriter(path: path, sampleRateHz: 8_000)
        try writer.write(inputs)
        try writer.close()
        let (info, got) = try Self.readInterleaved(path)
        #expect(info.samplerate == 8_000)
        let codes = got.map { Int($0 * 32768) }
        #expect(codes == [9830, -9830, 0, 32767, 32767, -32768, -32768, 0, 32767, -32768])
        #expect(inputs.map { Int(WAVWriter.code($0)) } == codes)
        for (x, y) in zip(inputs[0..<3], got[0..<3]) { #expect(abs(x - y) <= 1.0 / 65536) }
    }

    @Test("float: multichannel samples come back bit for bit, including values beyond full scale")
    func floatRoundTrip() throws {
        var random = XorShift64Star(seed: 11)
        let channels = 3, frames = 5_000
        var samples = (0..<(frames * channels)).map { _ in random.nextFloat() * 1.7 }
        samples[4] = 1e-30
        samples[5] = -0.0
        let path = directory.file("float.wav")
        let writer = try WAVWriter(path: path, sampleRateHz: 48_000, channelCount: channels, encoding: .float32)
        try samples.withUnsafeBufferPointer { try writer.write($0) }
        try writer.close()
        let (info, got) = try Self.readInterleaved(path)
        #expect(info.channels == Int32(channels))
        #expect(info.samplerate == 48_000)
        #expect(info.format == Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_FLOAT))
        #expect(mismatches(got, samples) == 0)
        // And RecordingReplay's down-mix of the same file is the mean over channels.
        let replay = try RecordingReplay(path: path, configuration: .init(sampleRateHz: 48_000))
        let mono = collectAll(replay).flatMap(\.samples)
        let expected: [Float] = stride(from: 0, to: samples.count, by: channels).map { base in
            var sum: Float = samples[base]
            sum += samples[base + 1]
            sum += samples[base + 2]
            return sum / 3
        }
        #expect(mismatches(mono[0..<frames], expected) == 0)
    }

    @Test("errors name the path and the problem")
    func errors() throws {
        let missing = directory.file("no-such-directory/out.wav")
        #expect {
            _ = try WAVWriter(path: missing, sampleRateHz: 16_000)
        } throws: { error in
            guard case .sndfile(let e) = error as? WAVWriterError else { return false }
            return e.path == missing && e.operation.hasPrefix("sf_open") && "\(error)".contains(missing)
        }
        #expect(throws: WAVWriterError.invalidConfiguration(
            .invalid(setting: "sampleRateHz", value: "0", requirement: "must be 1 ... 768000 Hz"))) {
            _ = try WAVWriter(path: directory.file("x.wav"), sampleRateHz: 0)
        }
        #expect(throws: WAVWriterError.self) {
            _ = try WAVWriter(path: directory.file("y.wav"), sampleRateHz: 16_000, channelCount: 0)
        }
        let writer = try WAVWriter(path: directory.file("stereo.wav"), sampleRateHz: 16_000, channelCount: 2)
        #expect(throws: WAVWriterError.self) { try writer.write([0.1, 0.2, 0.3]) }   // not whole frames
        try writer.close()
        #expect(throws: WAVWriterError.closed(path: directory.file("stereo.wav"))) { try writer.write([0.1, 0.2]) }
    }
}
