import AudioCapture
import Foundation
import Logging
import TestSupport
import Synchronization
import Testing

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/hamlet-audio-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// Deterministic xorshift64* generator so every run sees the same signal.
struct XorShift64Star {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// Uniform in -1 ..< 1.
    mutating func nextFloat() -> Float { Float(Int32(truncatingIfNeeded: next() >> 32)) / 2_147_483_648 }
}

/// Collects log lines from any thread.
final class LogRecorder: Sendable {
    private let capture = LogCapture()

    var logger: Logger { capture.logger }

    var messages: [String] { capture.all.map(\.text) }

    func contains(_ fragment: String, level: Logger.Level? = nil) -> Bool {
        capture.all.contains { (level == nil || $0.level == level) && $0.text.contains(fragment) }
    }

    func count(containing fragment: String) -> Int {
        capture.all.filter { $0.text.contains(fragment) }.count
    }
}

/// The ALSA `file`-plugin capture device of platform.md §3.2, as private configuration text
/// for `snd_pcm_open_lconf` (no process-global state).
func fileCaptureConfiguration(infile: String, name: String = "sensor") -> String {
    """
    pcm.\(name) {
        type file
        slave.pcm { type null }
        file "/dev/null"
        infile "\(infile)"
        format "raw"
    }
    """
}

/// One captured or replayed period.
struct CollectedPeriod {
    var samples: [Float]
    var info: PeriodInfo
}

/// Pulls up to `count` periods (stops early at end of stream); each wait is bounded by `timeout`.
func collect(_ source: any AudioPeriodSource, count: Int, timeout: Duration = .seconds(10)) -> [CollectedPeriod] {
    var buffer = [Float](repeating: .nan, count: source.periodFrames)
    var out: [CollectedPeriod] = []
    while out.count < count {
        switch source.nextPeriod(into: &buffer, timeout: timeout) {
        case .period(let info): out.append(CollectedPeriod(samples: buffer, info: info))
        case .timedOut:
            Issue.record("timed out waiting for period \(out.count)")
            return out
        case .endOfStream: return out
        }
    }
    return out
}

/// Pulls until end of stream.
func collectAll(_ source: any AudioPeriodSource, limit: Int = 1_000_000) -> [CollectedPeriod] {
    collect(source, count: limit)
}

/// Polls `condition` every millisecond until it holds or `limit` passes.
func eventually(within limit: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + limit
    while clock.now < end {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// Seconds taken by `body`.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

// MARK: raw PCM and WAV files

/// Interleaved little-endian samples of a seeded signal with full-scale extremes mixed in.
struct RawSignal {
    let format: ALSASampleFormat
    let channelCount: Int
    let frames: Int
    let bytes: [UInt8]
    /// The mono Float each frame must become (documented conversion and down-mix).
    let expected: [Float]

    init(format: ALSASampleFormat, channelCount: Int, frames: Int, seed: UInt64) {
        self.format = format
        self.channelCount = channelCount
        self.frames = frames
        var random = XorShift64Star(seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frames * channelCount * format.bytesPerSample)
        var expected: [Float] = []
        for frame in 0..<frames {
            var converted: [Float] = []
            for channel in 0..<channelCount {
                let r = random.next()
                let extreme = (frame + channel) % 97 == 0 ? (frame % 2 == 0 ? UInt64.max : 0) : nil
                switch format {
                case .s16LE:
                    var v = Int16(truncatingIfNeeded: r >> 48)
                    if let extreme { v = extreme == 0 ? .min : .max }
                    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
                    converted.append(Float(v) / 32768)
                case .s32LE:
                    var v = Int32(truncatingIfNeeded: r >> 32)
                    if let extreme { v = extreme == 0 ? .min : .max }
                    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
                    converted.append(Float(v) / 2_147_483_648)
                case .float32LE:
                    var v = Float(Int32(truncatingIfNeeded: r >> 32)) / 2_147_483_648 * 1.5
                    if let extreme { v = extreme == 0 ? -1 : 1 }
                    withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                    converted.append(v)
                }
            }
            if channelCount == 1 {
                expected.append(converted[0])
            } else {
                var sum = converted[0]
                for c in 1..<channelCount { sum += converted[c] }
                expected.append(sum / Float(channelCount))
            }
        }
        self.bytes = bytes
        self.expected = expected
    }
}

/// WAV sample encodings the tests write.
enum WAVEncoding {
    case pcm16, pcm24, pcm32, float32

    var bytesPerSample: Int {
        switch self {
        case .pcm16: 2
        case .pcm24: 3
        case .pcm32, .float32: 4
        }
    }
}

/// A canonical 44-byte-header WAV. `samples` are interleaved integer codes (or float bit
/// patterns for `.float32`). `declaredDataBytes` overrides the data chunk size (truncation tests),
/// `declaredChannels` the fmt channel count.
func makeWAV(
    encoding: WAVEncoding, channelCount: Int, sampleRateHz: Int, samples: [Int64],
    declaredDataBytes: Int? = nil, declaredChannels: Int? = nil
) -> [UInt8] {
    var data: [UInt8] = []
    for s in samples {
        switch encoding {
        case .pcm16: withUnsafeBytes(of: Int16(s).littleEndian) { data.append(contentsOf: $0) }
        case .pcm24:
            let v = UInt32(bitPattern: Int32(s))
            data.append(UInt8(v & 0xFF)); data.append(UInt8((v >> 8) & 0xFF)); data.append(UInt8((v >> 16) & 0xFF))
        case .pcm32: withUnsafeBytes(of: Int32(s).littleEndian) { data.append(contentsOf: $0) }
        case .float32: withUnsafeBytes(of: UInt32(truncatingIfNeeded: s).littleEndian) { data.append(contentsOf: $0) }
        }
    }
    let channels = declaredChannels ?? channelCount
    let blockAlign = channels * encoding.bytesPerSample
    let dataBytes = declaredDataBytes ?? data.count
    var out: [UInt8] = []
    func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
    func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
    out.append(contentsOf: Array("RIFF".utf8)); u32(36 + dataBytes)
    out.append(contentsOf: Array("WAVE".utf8))
    out.append(contentsOf: Array("fmt ".utf8)); u32(16)
    u16(encoding == .float32 ? 3 : 1)                      // WAVE_FORMAT_IEEE_FLOAT / WAVE_FORMAT_PCM
    u16(channels); u32(sampleRateHz); u32(sampleRateHz * blockAlign); u16(blockAlign); u16(encoding.bytesPerSample * 8)
    out.append(contentsOf: Array("data".utf8)); u32(dataBytes)
    out.append(contentsOf: data)
    return out
}

/// Positions where `a` and `b` differ bit for bit (plus the length difference), so a failing
/// expectation prints a number instead of thousands of samples.
func mismatches(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Int {
    zip(a, b).filter { $0.0.bitPattern != $0.1.bitPattern }.count + abs(a.count - b.count)
}
