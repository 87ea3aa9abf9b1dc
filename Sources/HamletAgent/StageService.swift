import JSONText
import Logging
import MQTTTransport
import SafeTensors
import ServiceSupport
import SystemPrimitives
import LearningPipeline

/// `hamlet run` as one stage of a pipelined network split across agents (`model.stage`,
/// docs/stages.md): the stage's blocks, stepped by `PipelineStageRunner` over its `StageLink`,
/// with the first stage's source and features (`StageInput`) and the last stage's predictions
/// and alerts (`StageOutput`); a middle stage has neither and only learns and relays.
///
/// It waits until the neighbouring stages are online, then steps until the source ends (first
/// stage), `maximumSteps` is reached or a stop is requested. A neighbour that goes away is named
/// in an alert and the stage's status and metrics (`StageService+Faults`); the stage goes on with
/// what it can still do. Between steps and while it waits: the watchdog, checkpoints (its own
/// blocks and its step, from which it resumes) and the stage's metrics. On the way out: the final
/// checkpoint, then both MQTT clients close.
public final class StageService {
    public let runner: PipelineStageRunner
    public let model: ModelConfiguration
    /// Stop after this many steps (`hamlet run --max-steps`); nil: until the source ends or a stop.
    public var maximumSteps: Int64? {
        didSet { runner.stepLimit = maximumSteps.map { UInt64(max($0, 0)) } }
    }
    let input: StageInput?
    let output: StageOutput?
    let link: AgentMQTTLink
    let stageClient: MQTTClient
    /// Where the neighbour alerts go: the last stage's outputs, the agent's alert topic on the others.
    let alerts: any OutputSink
    let schedule: AgentService.Schedule
    let predictionEvery: Int
    let checkpoints: CheckpointStore
    let notifier: SystemdNotifier
    let context: RunContext
    let logger: Logger
    /// The step this run started at (from the stage's checkpoint; 0 afresh).
    public internal(set) var resumedStep: UInt64 = 0
    private var pace = HousekeepingPace()
    private var lastCheckpoint: (time: Double, step: UInt64)
    var lastMetrics: (time: Double, step: UInt64)
    var stepsPerSecond = 0.0

    init(
        runner: PipelineStageRunner, model: ModelConfiguration, input: StageInput?, output: StageOutput?, link: AgentMQTTLink,
        stageClient: MQTTClient, schedule: AgentService.Schedule, predictionEvery: Int, checkpoints: CheckpointStore,
        notifier: SystemdNotifier, context: RunContext, logger: Logger
    ) {
        (self.runner, self.model, self.input, self.output, self.link, self.stageClient) = (runner, model, input, output, link, stageClient)
        (self.schedule, self.predictionEvery, self.checkpoints, self.notifier) = (schedule, predictionEvery, checkpoints, notifier)
        (self.context, self.logger) = (context, logger)
        alerts = output?.sink ?? MQTTOutputSink(link: link, logger: logger)
        let now = MonotonicClock.nowSeconds()
        (lastCheckpoint, lastMetrics) = ((now, 0), (now, 0))
    }

    /// "stage 1 of 3 (blocks 1..<2)": how the log and systemd's status name it.
    public var name: String {
        let blocks = if case .deep(let c) = model, let range = c.stageBlocks { " (blocks \(range.lowerBound)..<\(range.upperBound))" } else { "" }
        return "stage \(runner.link.stage) of \(runner.link.stageCount)\(blocks)"
    }

    public func run() throws(LearnError) -> LearnSummary {
        link.start()
        stageClient.start()
        context.onIdle = { [unowned self] in housekeepingIfDue() }
        runner.link.context = context
        runner.link.onNeighbourChange = { [unowned self] in neighbourChanged($0) }
        if output != nil { runner.link.beforeWait = { [unowned self] in link.client.flushDeferredWrites() } }
        (lastCheckpoint.step, lastMetrics.step) = (runner.steps, runner.steps)
        let waiting = "\(name): waiting for stages \(runner.link.neighbours) under \(runner.link.prefix)"
        logger.info("\(waiting)")
        // Ready now: the neighbours may come much later than systemd's start timeout.
        notifier.ready(status: waiting)
        var failure: LearnError?
        if runner.link.awaitNeighbours() {
            notifier.status("\(name): learning")
            logger.info("\(name): the neighbouring stages are online; learning from step \(runner.steps)")
            do throws(LearnError) {
                try stepUntilDone()
            } catch {
                failure = error
            }
        }
        notifier.stopping()
        do {
            try output?.sink.flush()
        } catch {
            logger.error("could not flush the last output: \(error)")
        }
        saveCheckpoint(reason: "shutdown")
        // The final counts on the broker too, not only in the log.
        publishMetrics(now: MonotonicClock.nowSeconds())
        logger.info("\(name): \(countersText)")
        stageClient.close()
        link.close()
        if let failure { throw failure }
        var summary = LearnSummary()
        summary.records = input?.records ?? 0
        summary.steps = Int64(runner.steps)
        summary.recentMeanLoss = output?.recentMeanLoss ?? .nan
        summary.driftAlerts = output?.driftAlerts ?? 0
        return summary
    }

    private func stepUntilDone() throws(LearnError) {
        while !context.isStopRequested {
            if let maximumSteps, runner.steps >= UInt64(maximumSteps) { return }
            var pair: (input: [Float], target: [Float])?
            if let input {
                pair = try input.next()
                if pair == nil { return }
            }
            let loss: Float
            do throws(StageLinkError) {
                loss = try runner.step(input: pair?.input, target: pair?.target)
            } catch {
                if error == .stopped || error == .limitReached { return }
                throw .stage("\(name): \(error)")
            }
            try output?.report(step: Int64(runner.steps), loss: loss, prediction: runner.learner.prediction, every: predictionEvery)
            housekeepingIfDue()
        }
    }

    /// The watchdog, a reload request (refused: a stage restarts to change its settings),
    /// checkpoints and metrics, at most every 10 ms.
    func housekeepingIfDue() {
        guard let now = pace.due(pinging: notifier) else { return }
        // Predictions wait for a burst to fill one TCP segment; a stage's waits are on its other client.
        if output != nil { link.client.flushDeferredWrites() }
        if context.takeReload() { logger.warning("\(name): a stage does not reload its configuration; restart it to apply changes") }
        let steps = runner.steps
        if (schedule.checkpointEverySeconds > 0 && now - lastCheckpoint.time >= schedule.checkpointEverySeconds)
            || (schedule.checkpointEverySteps > 0 && steps >= lastCheckpoint.step + UInt64(schedule.checkpointEverySteps))
        {
            saveCheckpoint(reason: "periodic")
            lastCheckpoint = (now, steps)
        }
        if schedule.metricsIntervalSeconds > 0, now - lastMetrics.time >= schedule.metricsIntervalSeconds { publishMetrics(now: now) }
    }
}
