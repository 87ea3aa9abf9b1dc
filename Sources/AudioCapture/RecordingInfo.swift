/// What libsndfile found in a recording.
public struct RecordingInfo: Equatable, Sendable {
    public var sampleRateHz: Int
    public var channelCount: Int
    /// Frames libsndfile will deliver (for a truncated WAV: those actually in the file).
    public var frames: Int64
    /// Container, e.g. "WAV (Microsoft)".
    public var formatName: String
    /// Encoding, e.g. "Signed 16 bit PCM", "32 bit float".
    public var encodingName: String
    /// The data chunk is shorter than its header declares (libsndfile's parser log says
    /// "data : N (should be M)"); replay plays the frames that are there.
    public var isTruncated: Bool
}
