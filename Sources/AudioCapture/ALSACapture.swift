#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CALSA
import Synchronization
import Logging
import SystemPrimitives

/// ALSA capture on its own thread, delivering whole mono Float periods through a preallocated
/// single-producer/single-consumer ring.
///
/// - The capture thread opens the PCM nonblocking, reads until a period is complete, converts
///   and down-mixes it into the next ring slot, and publishes it. When the ring is full the
///   period is dropped and counted (`droppedPeriods`); the consumer sees `followsGap` and a
///   jump in `sequenceNumber`.
/// - Overruns (-EPIPE) and suspends (-ESTRPIPE) are recovered with `snd_pcm_recover` and
///   counted. A device that cannot be opened or fails (-ENODEV, -EIO, failed recovery…) is
///   closed and reopened with exponential back-off (`reopenInitialDelay` doubling to
///   `reopenMaximumDelay`), logged through `log`; capture never ends by itself. -EINTR and
///   -EAGAIN are retried.
/// - `stop()` returns within about one period: the thread waits in `snd_pcm_wait` with a
///   timeout of one period (at most 1 s) and back-off sleeps wake on stop. Exception: while a
///   suspended hardware device keeps answering `snd_pcm_resume` with -EAGAIN, alsa-lib's
///   `snd_pcm_recover` polls in 1 s steps.
/// - The consumer pulls with `nextPeriod(into:timeout:)` from one thread; after `stop()` it
///   drains the periods still in the ring, then gets `.endOfStream`.
/// - One-shot: after `stop()`, make a new instance to capture again.
public final class ALSACapture: AudioPeriodSource {
    public let configuration: ALSACaptureConfiguration
    private let engine: CaptureEngine
    /// 0 = not started, 1 = running, 2 = stopped.
    private let state = Mutex<(phase: Int, thread: pthread_t?)>((0, nil))

    /// Validates `configuration`; nothing is opened before `start()`.
    /// - Parameters:
    ///   - faultInjection: test seam; wraps the real PCM to inject errors (see `PCMFaultInjection`).
    ///   - logger: receives open/reopen/overrun events from the capture thread.
    public init(
        configuration: ALSACaptureConfiguration,
        faultInjection: PCMFaultInjection? = nil,
        logger: Logger = Logger(label: "audio", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(AudioConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        var opener: any CapturePCMOpener = ALSAPCMOpener()
        if let faultInjection { opener = FaultInjectingPCMOpener(plan: faultInjection, base: opener) }
        engine = CaptureEngine(configuration: configuration, opener: opener, logger: logger)
    }

    deinit { stop() }

    public var sampleRateHz: Int { configuration.sampleRateHz }
    public var periodFrames: Int { configuration.periodFrames }

    /// The longest `snd_pcm_wait` blocks, which bounds how long `stop()` waits in the read loop.
    public var stopLatencyBound: Duration { .milliseconds(Int64(engine.waitTimeoutMilliseconds)) }

    /// Counters so far; any thread.
    public var counters: ALSACaptureCounters { engine.counters }

    /// What the device accepted at the last successful open (nil before one); any thread.
    public var negotiatedParameters: NegotiatedPCMParameters? { engine.negotiated.withLock { $0 } }

    /// Starts the capture thread. Idempotent; does nothing after `stop()`.
    public func start() {
        state.withLock { state in
            guard state.phase == 0 else { return }
            let engine = engine
            state = (1, startJoinableThread(named: "hamlet-capture") { engine.run() })
        }
    }

    public func nextPeriod(into buffer: UnsafeMutableBufferPointer<Float>, timeout: Duration?) -> PeriodReadResult {
        engine.ring.read(into: buffer, timeout: timeout)
    }

    /// Stops the capture thread and closes the device; returns once the thread has ended. Any
    /// thread except the capture thread; idempotent.
    public func stop() {
        // Joining under the lock makes concurrent callers all wait for the thread's end; the
        // capture thread never takes this lock.
        state.withLock { state in
            engine.requestStop()
            if state.phase == 1, let thread = state.thread {
                pthread_join(thread, nil)
            } else {
                engine.ring.finish()
            }
            state = (2, nil)
        }
    }

    /// Stops alsa-lib printing its own "ALSA lib …" error lines on stderr (process-global;
    /// errors still reach the log closure as `ALSAError`s). Loads libasound; without it there is
    /// nothing to silence (opening the PCM then reports why).
    public static func silenceALSALibraryMessages() {
        guard case .success(let alsa) = AudioLibraries.alsa else { return }
        _ = hamlet_alsa_silence_errors(alsa)
    }
}
