import CALSA

/// Sample formats ALSA capture accepts, and how each becomes Float.
///
/// Conversion (exact, documented so tests can compare bit for bit):
/// - `s16LE`: `Float(x) / 32768` (exact).
/// - `s32LE`: `Float(x) / 2147483648`, where `Float(x)` rounds to nearest-even at 24 bits.
/// - `float32LE`: the value as stored.
///
/// Down-mix of `c > 1` channels: `(s0 + s1 + … + s(c-1)) / Float(c)`, summed in Float in
/// channel order after conversion.
public enum ALSASampleFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case s16LE = "S16_LE"
    case s32LE = "S32_LE"
    case float32LE = "FLOAT_LE"

    /// Bytes per sample (one channel).
    public var bytesPerSample: Int {
        switch self {
        case .s16LE: 2
        case .s32LE, .float32LE: 4
        }
    }

    var alsaFormat: snd_pcm_format_t {
        switch self {
        case .s16LE: SND_PCM_FORMAT_S16_LE
        case .s32LE: SND_PCM_FORMAT_S32_LE
        case .float32LE: SND_PCM_FORMAT_FLOAT_LE
        }
    }

    public var description: String { rawValue }

    /// Converts `frames` interleaved frames of `channelCount` channels at `source` to mono Float.
    /// Allocation-free; any thread. Assumes a little-endian host (all Linux targets Hamlet runs on).
    @inlinable
    public func convertToMono(_ source: UnsafeRawPointer, frames: Int, channelCount: Int, into output: UnsafeMutablePointer<Float>) {
        switch self {
        case .s16LE:
            let input = source.assumingMemoryBound(to: Int16.self)
            Self.downMix(frames: frames, channelCount: channelCount, into: output) { Float(input[$0]) / 32768 }
        case .s32LE:
            let input = source.assumingMemoryBound(to: Int32.self)
            Self.downMix(frames: frames, channelCount: channelCount, into: output) { Float(input[$0]) / 2147483648 }
        case .float32LE:
            let input = source.assumingMemoryBound(to: Float.self)
            Self.downMix(frames: frames, channelCount: channelCount, into: output) { input[$0] }
        }
    }

    @inlinable @inline(__always)
    static func downMix(frames: Int, channelCount: Int, into output: UnsafeMutablePointer<Float>, _ sample: (Int) -> Float) {
        if channelCount == 1 {
            for i in 0..<frames { output[i] = sample(i) }
            return
        }
        let divisor = Float(channelCount)
        for frame in 0..<frames {
            let base = frame * channelCount
            var sum = sample(base)
            for channel in 1..<channelCount { sum += sample(base + channel) }
            output[frame] = sum / divisor
        }
    }
}

/// Down-mixes interleaved Float frames to mono with the same rule as `ALSASampleFormat`.
func downMixFloat(_ input: UnsafePointer<Float>, frames: Int, channelCount: Int, into output: UnsafeMutablePointer<Float>) {
    ALSASampleFormat.downMix(frames: frames, channelCount: channelCount, into: output) { input[$0] }
}
