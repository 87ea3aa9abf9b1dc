/// Why a recording cannot be replayed; every message names the file.
public enum RecordingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libsndfile could not open or parse the file (missing, empty, not audio, bad header…).
    case cannotOpen(SndFileError)
    /// The file parsed but holds no audio frames.
    case noAudio(path: String)
    /// The header gives a channel count or sample rate that cannot be used.
    case unusableHeader(path: String, reason: String)
    /// The file's rate differs from the configured one and resampling is disabled.
    case sampleRateMismatch(path: String, fileRateHz: Int, requiredRateHz: Int)
    /// Decoding failed part-way through.
    case readFailed(SndFileError)
    /// libsamplerate refused the conversion.
    case resamplerFailed(path: String, SampleRateError)
    case invalidConfiguration(AudioConfigurationError)

    public var description: String {
        switch self {
        case .cannotOpen(let e):
            return "cannot read recording \(e.path): \(e.reason)"
        case .noAudio(let path):
            return "recording \(path) contains no audio frames"
        case .unusableHeader(let path, let reason):
            return "recording \(path) has an unusable header: \(reason)"
        case .sampleRateMismatch(let path, let fileRate, let required):
            return "recording \(path) is \(fileRate) Hz but \(required) Hz is configured and resampling is disabled; "
                + "enable resampling or convert it (e.g. sox in.wav -r \(required) out.wav)"
        case .readFailed(let e):
            return "reading recording \(e.path) failed: \(e.reason)"
        case .resamplerFailed(let path, let e):
            return "resampling recording \(path) failed: \(e)"
        case .invalidConfiguration(let e):
            return "invalid replay configuration: \(e)"
        }
    }
}
