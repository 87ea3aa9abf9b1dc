import Synchronization

/// What every loop of a run asks between steps and while it waits: has a stop been requested
/// (SIGINT, SIGTERM, a test), has a reload (SIGHUP), and what to do while it waits for input
/// (the service's watchdog, checkpoints and metrics). One per run, made at the edge (the command
/// line installs its signal handlers into one; a test requests a stop by hand) and handed to the
/// sources, the stage link and the service, so none of them takes closures of its own for these.
///
/// A stop or reload may be requested from any thread, a signal handler included (lock-free
/// atomics); `onIdle` and `idle()` belong to the thread that runs the pipeline.
public final class RunContext: @unchecked Sendable {
    private let stop = Atomic<Bool>(false)
    private let reload = Atomic<Bool>(false)
    /// The service's periodic work, run by a source or a stage link while it waits for input.
    public var onIdle: () -> Void = {}

    public init() {}

    public var isStopRequested: Bool { stop.load(ordering: .relaxed) }

    public func requestStop() { stop.store(true, ordering: .relaxed) }

    public func requestReload() { reload.store(true, ordering: .relaxed) }

    /// True once per reload request: taking it clears it.
    public func takeReload() -> Bool { reload.exchange(false, ordering: .relaxed) }

    /// Runs the service's periodic work while waiting (about every 50–200 ms, by the waiter).
    public func idle() { onIdle() }
}
