/// A snapshot of what the capture thread has counted since `start()`.
public struct ALSACaptureCounters: Equatable, Sendable {
    /// Whole periods read from the device (including those then dropped).
    public var periodsCaptured: UInt64 = 0
    /// Periods thrown away because the ring was full (the consumer was too slow).
    public var droppedPeriods: UInt64 = 0
    /// -EPIPE overruns recovered with `snd_pcm_recover`.
    public var overruns: UInt64 = 0
    /// -ESTRPIPE suspends recovered with `snd_pcm_recover`.
    public var suspends: UInt64 = 0
    /// Opens (including configuration) that failed.
    public var openFailures: UInt64 = 0
    /// Times an open device failed (-ENODEV, -EIO, failed recovery…) and was closed.
    public var deviceLosses: UInt64 = 0
    /// Open attempts made after a failed open or a lost device.
    public var reopenAttempts: UInt64 = 0
    /// Reads or waits retried after -EINTR.
    public var interruptedCalls: UInt64 = 0

    public init() {}
}
