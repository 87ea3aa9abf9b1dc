import Glibc
import MQTTTransport
import ServiceSupport
import ThreadScheduling
import VectorStream
import Logging
import SafeTensors
import SystemPrimitives
import LearningPipeline

/// `hamlet run`'s pipeline: records → learner → detectors → outputs, on the calling thread,
/// with everything periodic done between two steps: control commands, configuration reloads,
/// checkpoints, metrics and the systemd watchdog.
///
/// The watchdog is pinged from this loop only, so a pipeline that hangs stops the pings and
/// systemd restarts it; while a source waits for input it calls back here (the run context's
/// idle work), so an
/// agent with no traffic is alive, not hung. Shutdown runs in reverse order of the flow: stop
/// input, final checkpoint, `offline` and the outbox drained, then `STOPPING` ends.
public final class AgentService {
    /// The periodic work's settings; changed by reloads and control commands.
    public struct Schedule: Sendable, Equatable {
        public var checkpointEverySeconds: Double
        public var checkpointEverySteps: Int
        public var metricsIntervalSeconds: Double
        public var prometheusFile: String?

        public init(checkpointEverySeconds: Double, checkpointEverySteps: Int, metricsIntervalSeconds: Double, prometheusFile: String?) {
            (self.checkpointEverySeconds, self.checkpointEverySteps) = (checkpointEverySeconds, checkpointEverySteps)
            (self.metricsIntervalSeconds, self.prometheusFile) = (metricsIntervalSeconds, prometheusFile)
        }
    }

    public let session: LearnSession
    public let link: AgentMQTTLink?
    public let predictionSink: MQTTOutputSink?
    /// The metrics file; its path follows `schedule.prometheusFile`.
    private let prometheus: PrometheusFileSink?
    public var schedule: Schedule {
        didSet { prometheus?.path = schedule.prometheusFile }
    }
    /// Stop after this many learning steps (`hamlet run --max-steps`); nil: until the source ends or a stop.
    public var maximumSteps: Int64?
    /// Handles each message on the control topic, between two steps.
    public var onControl: ((MQTTMessage) -> Void)?
    /// Runs between two steps when the run context holds a reload request (SIGHUP).
    public var onReload: (() -> Void)?
    private let source: any ServiceSource
    let checkpoints: CheckpointStore
    let notifier: SystemdNotifier
    private let context: RunContext
    private let logger: Logger
    private let startTime = MonotonicClock.nowSeconds()
    private var pace = HousekeepingPace()
    private var lastCheckpointTime: Double
    private var lastCheckpointStep: Int64
    private var lastMetricsTime: Double
    private var lastMetricsSteps: Int64
    private lazy var wedge = PipelineWedge(start: startTime)
    private var checkpointFailures = 0

    public init(
        session: LearnSession, source: any ServiceSource, link: AgentMQTTLink?, predictionSink: MQTTOutputSink?,
        prometheus: PrometheusFileSink?, schedule: Schedule, checkpoints: CheckpointStore, notifier: SystemdNotifier,
        context: RunContext, logger: Logger
    ) {
        self.session = session
        self.source = source
        self.link = link
        self.predictionSink = predictionSink
        self.prometheus = prometheus
        self.schedule = schedule
        self.checkpoints = checkpoints
        self.notifier = notifier
        self.context = context
        self.logger = logger
        lastCheckpointTime = startTime
        lastMetricsTime = startTime
        lastCheckpointStep = session.learner.stepCount
        lastMetricsSteps = session.learner.stepCount
    }

    /// Learns until the source ends or a stop is requested, then shuts down in order. The calling
    /// thread, and the input and MQTT threads it starts, run SCHED_BATCH (see `ThreadScheduling`).
    public func run() throws(LearnError) -> LearnSummary {
        try ThreadScheduling.runningAsBatchJob(refused: { logger.warning("the pipeline thread stays an ordinary thread: \($0)") }) {
            () throws(LearnError) -> LearnSummary in try runPipeline()
        }
    }

    private func runPipeline() throws(LearnError) -> LearnSummary {
        installIdleHooks()
        link?.start()
        notifier.ready(status: "learning from \(source.sourceDescription)")
        var failure: LearnError?
        // Every record is read into this one sample, so the loop allocates no record of its own.
        var record = Sample(position: 0, values: [])
        do throws(LearnError) {
            while !context.isStopRequested {
                if let maximumSteps, session.learner.stepCount >= maximumSteps { break }
                do {
                    guard try source.next(into: &record) else { break }
                } catch {
                    // A bad record is reported and skipped: an unattended agent does not stop for one.
                    if error.isRecoverable {
                        logger.warning("skipped a bad record: \(error)")
                        continue
                    }
                    throw LearnError.badRecord(line: error.position, error.message)
                }
                try session.step(record)
                housekeepingIfDue()
            }
        } catch {
            failure = error
        }
        notifier.stopping()
        var summary: LearnSummary?
        do {
            summary = try session.finish()
        } catch {
            // The checkpoint and `offline` below still matter more than the last lines.
            logger.error("could not flush the last output: \(error)")
        }
        saveCheckpoint(reason: "shutdown")
        link?.close()
        if let failure { throw failure }
        return summary ?? session.summary
    }

    /// Writes a checkpoint now; returns its path, or nil (logged) when it could not be written.
    @discardableResult
    public func saveCheckpoint(reason: String) -> String? {
        let file: SafeTensorsFile
        do {
            file = try session.finiteCheckpointFile()
        } catch {
            checkpointFailures += 1
            logger.error("the \(reason) checkpoint in \(checkpoints.directory) is refused: \(error)")
            return nil
        }
        do {
            let path = try checkpoints.save { path in try file.write(to: path) }
            lastCheckpointTime = MonotonicClock.nowSeconds()
            lastCheckpointStep = session.learner.stepCount
            return path
        } catch {
            checkpointFailures += 1
            logger.error("could not write the \(reason) checkpoint in \(checkpoints.directory): \(error)")
            return nil
        }
    }

    /// The counters and levels that `<prefix>/metrics` and the Prometheus file report.
    public func metricsSnapshot(now: Double) -> MetricsSnapshot {
        let steps = session.learner.stepCount
        let counters = link?.client.counters
        let elapsed = now - lastMetricsTime
        return MetricsSnapshot(
            time: AgentClock.epochSeconds(), uptimeSeconds: now - startTime, samples: session.summary.records, steps: Int(steps),
            stepsPerSecond: elapsed > 0 ? Double(steps - lastMetricsSteps) / elapsed : 0, lossAverage: session.recentMeanLoss,
            anomalyScore: session.latestScore, driftAlerts: session.summary.driftAlerts,
            overruns: source.overruns, droppedMessages: Int(counters?.droppedTotal ?? 0),
            badMessages: source.rejectedMessages, outboxDepth: counters?.outboxDepth ?? 0,
            reconnects: Int(counters?.reconnects ?? 0), residentMemoryBytes: ResidentMemory.currentBytes(), paused: session.isPaused,
            learnerFaults: session.summary.learnerFaults, clippedValues: session.summary.clippedValues,
            alertsOnDisk: counters?.durableDepth ?? 0, alertsDropped: Int(counters?.droppedDurableOutboxFull ?? 0))
    }

    /// The periodic work, at most every 10 ms; also the sources' idle callback.
    public func housekeepingIfDue() {
        guard let now = pace.due(pinging: notifier) else { return }
        wedge.holdIfDue(now: now, logger: logger)
        if !source.readsControlMessages, let link {
            // Other sources do not read the link's queue: take the control messages here.
            while let message = link.takeMessage() {
                if message.topic == link.topics.control { onControl?(message) }
            }
        }
        if context.takeReload() { onReload?() }
        let steps = session.learner.stepCount
        if (schedule.checkpointEverySeconds > 0 && now - lastCheckpointTime >= schedule.checkpointEverySeconds)
            || (schedule.checkpointEverySteps > 0 && steps - lastCheckpointStep >= Int64(schedule.checkpointEverySteps))
        {
            // A failure is logged and retried at the next period, not every 10 ms.
            if saveCheckpoint(reason: "periodic") == nil { lastCheckpointTime = now; lastCheckpointStep = steps }
        }
        if schedule.metricsIntervalSeconds > 0, now - lastMetricsTime >= schedule.metricsIntervalSeconds {
            publishMetrics(now: now)
        }
    }

    private func publishMetrics(now: Double) {
        let snapshot = metricsSnapshot(now: now)
        lastMetricsTime = now
        lastMetricsSteps = session.learner.stepCount
        session.output.metrics(snapshot)
        notifier.status("step \(snapshot.steps), \(Int(snapshot.stepsPerSecond)) steps/s, mean loss \(snapshot.lossAverage)")
    }

    private func installIdleHooks() {
        context.onIdle = { [unowned self] in housekeepingIfDue() }
        source.onControl = { [unowned self] message in onControl?(message) }
    }
}
