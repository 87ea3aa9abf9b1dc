import SystemPrimitives
/// What to open and how: device, rate, channels, format, period and buffer sizes, ring depth
/// and reopen back-off.
public struct ALSACaptureConfiguration: Equatable, Sendable {
    /// PCM name: "default", "plughw:1,0" (ALSA converts format/rate/channels), "hw:1,0" (no conversion)…
    public var deviceName: String
    /// Optional private ALSA configuration text. When set, the PCM is opened with
    /// `snd_pcm_open_lconf` against a tree built from this text only (no alsa.conf, no
    /// process-global state), so `deviceName` must be defined in it, with slaves inline.
    public var alsaConfiguration: String?
    public var sampleRateHz: Int
    /// Channels captured; they are averaged to mono.
    public var channelCount: Int
    public var sampleFormat: ALSASampleFormat
    /// Frames per delivered period (exact). The hardware period is set near this value.
    public var periodFrames: Int
    /// ALSA buffer size in frames, set near this value; at least `periodFrames`.
    public var bufferFrames: Int
    /// Periods the ring between the capture thread and the consumer holds (≥ 2).
    public var ringPeriods: Int
    /// First delay before reopening a device that failed to open or disappeared.
    public var reopenInitialDelay: Duration
    /// Cap of the doubling reopen delay.
    public var reopenMaximumDelay: Duration

    public init(
        deviceName: String = "default",
        alsaConfiguration: String? = nil,
        sampleRateHz: Int = 16_000,
        channelCount: Int = 1,
        sampleFormat: ALSASampleFormat = .s16LE,
        periodFrames: Int = 320,
        bufferFrames: Int = 1_280,
        ringPeriods: Int = 64,
        reopenInitialDelay: Duration = .milliseconds(100),
        reopenMaximumDelay: Duration = .seconds(5)
    ) {
        self.deviceName = deviceName
        self.alsaConfiguration = alsaConfiguration
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.sampleFormat = sampleFormat
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
        self.ringPeriods = ringPeriods
        self.reopenInitialDelay = reopenInitialDelay
        self.reopenMaximumDelay = reopenMaximumDelay
    }

    /// Duration of one period.
    public var periodDuration: Duration {
        .nanoseconds(Int64(periodFrames) * 1_000_000_000 / Int64(sampleRateHz))
    }

    /// Throws the first setting that cannot work.
    public func validate() throws(AudioConfigurationError) {
        if deviceName.isEmpty {
            throw .invalid(setting: "deviceName", value: "\"\"", requirement: "name a PCM, e.g. \"default\" or \"plughw:1,0\"")
        }
        if !(1_000...768_000).contains(sampleRateHz) {
            throw .invalid(setting: "sampleRateHz", value: "\(sampleRateHz)", requirement: "must be in 1000…768000")
        }
        if !(1...64).contains(channelCount) {
            throw .invalid(setting: "channelCount", value: "\(channelCount)", requirement: "must be in 1…64")
        }
        if !(16...(1 << 20)).contains(periodFrames) {
            throw .invalid(setting: "periodFrames", value: "\(periodFrames)", requirement: "must be in 16…1048576")
        }
        if bufferFrames < periodFrames || bufferFrames > (1 << 24) {
            throw .invalid(setting: "bufferFrames", value: "\(bufferFrames)", requirement: "must be at least periodFrames (\(periodFrames)) and at most 16777216")
        }
        if !(2...65_536).contains(ringPeriods) {
            throw .invalid(setting: "ringPeriods", value: "\(ringPeriods)", requirement: "must be in 2…65536")
        }
        if reopenInitialDelay <= .zero || reopenMaximumDelay < reopenInitialDelay {
            throw .invalid(
                setting: "reopenInitialDelay/reopenMaximumDelay", value: "\(reopenInitialDelay)/\(reopenMaximumDelay)",
                requirement: "need 0 < initial <= maximum")
        }
    }
}
