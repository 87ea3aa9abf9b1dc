#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Synchronization
import Logging
import SystemPrimitives

/// The capture state machine; `run()` is the body of the dedicated capture thread.
///
/// open ──ok──> read loop ──-EPIPE/-ESTRPIPE──> snd_pcm_recover ──ok──> read loop
///   │                    ──-EINTR/-EAGAIN───> retry (after snd_pcm_wait with a one-period timeout)
///   │                    ──other error, or recover failed──> close, back off, reopen
///   └─fail──> back off (interruptible by stop), reopen
final class CaptureEngine: @unchecked Sendable {
    let configuration: ALSACaptureConfiguration
    let ring: PeriodRing
    private let opener: any CapturePCMOpener
    private let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    // Counters: written by the capture thread only, read by anyone.
    let periodsCaptured = Atomic<UInt64>(0)
    let droppedPeriods = Atomic<UInt64>(0)
    let overruns = Atomic<UInt64>(0)
    let suspends = Atomic<UInt64>(0)
    let openFailures = Atomic<UInt64>(0)
    let deviceLosses = Atomic<UInt64>(0)
    let reopenAttempts = Atomic<UInt64>(0)
    let interruptedCalls = Atomic<UInt64>(0)
    /// Set at each successful open (rare), read by anyone.
    let negotiated = Mutex<NegotiatedPCMParameters?>(nil)

    /// The timeout of `snd_pcm_wait`, hence the longest a stop request waits in the read loop.
    let waitTimeoutMilliseconds: Int32

    init(configuration: ALSACaptureConfiguration, opener: any CapturePCMOpener, logger: Logger) {
        self.configuration = configuration
        self.opener = opener
        self.logger = logger
        ring = PeriodRing(periodFrames: configuration.periodFrames, capacity: configuration.ringPeriods)
        let periodMs = (configuration.periodFrames * 1000 + configuration.sampleRateHz - 1) / configuration.sampleRateHz
        waitTimeoutMilliseconds = Int32(max(1, min(periodMs, 1000)))
    }

    var counters: ALSACaptureCounters {
        var c = ALSACaptureCounters()
        c.periodsCaptured = periodsCaptured.load(ordering: .relaxed)
        c.droppedPeriods = droppedPeriods.load(ordering: .relaxed)
        c.overruns = overruns.load(ordering: .relaxed)
        c.suspends = suspends.load(ordering: .relaxed)
        c.openFailures = openFailures.load(ordering: .relaxed)
        c.deviceLosses = deviceLosses.load(ordering: .relaxed)
        c.reopenAttempts = reopenAttempts.load(ordering: .relaxed)
        c.interruptedCalls = interruptedCalls.load(ordering: .relaxed)
        return c
    }

    /// Asks `run()` to return; wakes it from a back-off sleep. Any thread.
    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        wake.signal()
    }

    private var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// Sleeps `delay` unless a stop is requested first; returns false when stopping.
    private func backOff(_ delay: Duration) -> Bool {
        if isStopping { return false }
        _ = wake.wait(timeout: Duration.dispatchDeadline(after: delay))
        return !isStopping
    }

    private var deviceLabel: String {
        configuration.alsaConfiguration == nil
            ? "ALSA PCM '\(configuration.deviceName)'"
            : "ALSA PCM '\(configuration.deviceName)' (private configuration)"
    }

    /// The capture thread's body. Returns after `requestStop()`; then the ring is finished.
    func run() {
        let c = configuration
        let frameBytes = c.channelCount * c.sampleFormat.bytesPerSample
        let raw = UnsafeMutableRawPointer.allocate(byteCount: c.periodFrames * frameBytes, alignment: 16)
        defer {
            raw.deallocate()
            ring.finish()
        }
        var backoff = ExponentialBackoff(initial: c.reopenInitialDelay, maximum: c.reopenMaximumDelay)
        var filled = 0              // frames of the current period already in `raw`
        var sequence: UInt64 = 0    // number of the period being filled
        var gap = false             // audio lost before the period being filled
        var isReopen = false

        while !isStopping {
            if isReopen { reopenAttempts.add(1, ordering: .relaxed) }
            let pcm: any CapturePCM
            do {
                pcm = try opener.open(c)
            } catch {
                openFailures.add(1, ordering: .relaxed)
                let delay = backoff.nextDelay()
                log(.error, "cannot open \(deviceLabel): \(error); retrying in \(Self.seconds(delay)) s")
                isReopen = true
                if !backOff(delay) { break }
                continue
            }
            negotiated.withLock { $0 = pcm.negotiated }
            log(.info, "\(isReopen ? "reopened" : "opened") \(deviceLabel): \(pcm.negotiated)")
            if isReopen { gap = true }
            isReopen = true

            var failure: ALSAError?
            readLoop: while !isStopping {
                var rc = pcm.read(into: raw + filled * frameBytes, frames: c.periodFrames - filled)
                if rc > 0 {
                    filled += rc
                    if filled == c.periodFrames {
                        deliver(raw, sequence: sequence, gap: &gap)
                        sequence &+= 1
                        filled = 0
                        backoff.reset()
                    }
                    continue
                }
                if rc == 0 || rc == -Int(EAGAIN) {
                    let waited = pcm.wait(timeoutMilliseconds: waitTimeoutMilliseconds)
                    if waited >= 0 { continue }       // readable, or timed out: re-check stop, read again
                    rc = Int(waited)
                }
                switch Int32(-rc) {
                case EINTR, EAGAIN:
                    interruptedCalls.add(1, ordering: .relaxed)
                case EPIPE, ESTRPIPE:
                    let isOverrun = rc == -Int(EPIPE)
                    let count = isOverrun
                        ? overruns.add(1, ordering: .relaxed).newValue
                        : suspends.add(1, ordering: .relaxed).newValue
                    gap = true
                    // Log the 1st, 2nd, 4th, 8th… so a persistently slow system cannot flood the log.
                    if count & (count - 1) == 0 {
                        log(.warning, "\(deviceLabel): \(isOverrun ? "overrun" : "suspend") #\(count), recovering")
                    }
                    let recovered = pcm.recover(Int32(rc))
                    if recovered < 0 {
                        failure = ALSAError(code: recovered, operation: "snd_pcm_recover after \(isOverrun ? "overrun" : "suspend")")
                        break readLoop
                    }
                default:
                    failure = ALSAError(code: Int32(rc), operation: "snd_pcm_readi")
                    break readLoop
                }
            }
            pcm.close()
            guard let failure else { break }      // stop requested
            deviceLosses.add(1, ordering: .relaxed)
            gap = true
            let delay = backoff.nextDelay()
            log(.error, "lost \(deviceLabel): \(failure); reopening in \(Self.seconds(delay)) s")
            if !backOff(delay) { break }
        }
    }

    /// Converts the full period in `raw` into the next ring slot, or counts it dropped.
    private func deliver(_ raw: UnsafeMutableRawPointer, sequence: UInt64, gap: inout Bool) {
        periodsCaptured.add(1, ordering: .relaxed)
        guard let slot = ring.producerSlot() else {
            droppedPeriods.add(1, ordering: .relaxed)
            gap = true
            return
        }
        configuration.sampleFormat.convertToMono(
            raw, frames: configuration.periodFrames, channelCount: configuration.channelCount, into: slot.baseAddress!)
        ring.publish(PeriodInfo(sequenceNumber: sequence, validFrames: configuration.periodFrames, followsGap: gap))
        gap = false
    }

    static func seconds(_ d: Duration) -> String {
        let ms = (d.nanoseconds + 500_000) / 1_000_000
        let whole = ms / 1000, frac = ms % 1000
        if frac == 0 { return "\(whole)" }
        var f = String(frac)
        while f.count < 3 { f = "0" + f }
        while f.hasSuffix("0") { f.removeLast() }
        return "\(whole).\(f)"
    }
}

extension CaptureEngine {
    private func log(_ level: Logger.Level, _ text: String) { logger.log(level: level, "\(text)") }
}
