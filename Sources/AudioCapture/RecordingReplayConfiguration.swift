import CSampleRate

/// How a recording whose rate differs from `sampleRateHz` is handled.
public enum RecordingResampling: String, Equatable, Sendable {
    /// Refuse such files with `RecordingError.sampleRateMismatch`.
    case disabled
    /// libsamplerate `SRC_SINC_FASTEST` (the default): 97 dB SNR, 80 % of the band kept; cheapest sinc.
    case sincFastest
    /// libsamplerate `SRC_SINC_MEDIUM_QUALITY`: 97 dB SNR, 90 % of the band, about 2–3× the cost.
    case sincMediumQuality

    var converter: Int32? {
        switch self {
        case .disabled: return nil
        case .sincFastest: return Int32(SRC_SINC_FASTEST)
        case .sincMediumQuality: return Int32(SRC_SINC_MEDIUM_QUALITY)
        }
    }
}

/// When replayed periods are handed out.
public enum ReplayPacing: String, Equatable, Sendable {
    /// Each `nextPeriod` reads and returns at once (the default).
    case asFastAsPossible
    /// Period k is handed out no earlier than start + (k + 1) × period duration on the
    /// monotonic clock; deadlines are computed from the start, so sleeps do not accumulate drift.
    case realTime
}

/// The stream a recording is turned into, and how.
public struct RecordingReplayConfiguration: Equatable, Sendable {
    public var sampleRateHz: Int
    public var periodFrames: Int
    public var resampling: RecordingResampling
    public var pacing: ReplayPacing

    public init(
        sampleRateHz: Int = 16_000, periodFrames: Int = 320,
        resampling: RecordingResampling = .sincFastest, pacing: ReplayPacing = .asFastAsPossible
    ) {
        (self.sampleRateHz, self.periodFrames, self.resampling) = (sampleRateHz, periodFrames, resampling)
        self.pacing = pacing
    }

    public func validate() throws(AudioConfigurationError) {
        if !(1_000...768_000).contains(sampleRateHz) {
            throw .invalid(setting: "sampleRateHz", value: "\(sampleRateHz)", requirement: "must be in 1000…768000")
        }
        if !(16...(1 << 20)).contains(periodFrames) {
            throw .invalid(setting: "periodFrames", value: "\(periodFrames)", requirement: "must be in 16…1048576")
        }
    }
}
