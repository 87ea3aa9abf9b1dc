import Glibc
import HamiltonianLearning
import SafeTensors
import DriftDetection
import VectorStream
import Logging
import SystemPrimitives

/// The `hamlet learn` loop: records → learner → one JSON line per step, with checkpoints and progress.
///
/// Forecasting scores each prediction when the next record arrives, so the step that learns
/// from record t+1 is the one that predicted it from record t.
///
/// With `options.lateTargets` (regress or classify whose targets arrive later, on their own
/// MQTT topic), a record is only predicted — its line has a null loss — and each `.joined`
/// event from the reader is one learning step: the model runs forward again on the joined
/// record's stored input and learns from the target. That is exact for a stateless model (the
/// MLP), which is why the caller must not use the recurrent forecaster in this mode: its state
/// and gradient memory have moved on since the joined record.
public final class LearnSession {
    public internal(set) var learner: AgentLearner
    public internal(set) var model: ModelConfiguration
    public let options: LearnOptions
    public let mapping: ColumnMapping
    let reader: any RecordSource
    package let output: any OutputSink
    let logger: Logger
    private(set) var input: [Float]
    private var target: [Float]
    var pendingInput: [Float]?
    public internal(set) var summary = LearnSummary()
    /// Catches a non-finite step and restores the last good state (`LearnSession+Faults`).
    var faultGuard: LearnerGuard
    /// The step of the last `learner-fault` alert written (`LearnSession+Faults`).
    var lastFaultAlertStep: Int64?
    var drift: DriftStage?
    /// Normalisation, calendar inputs and the anomaly score of the forecast task (nil for the others).
    public internal(set) var scoring: ForecastScoring?
    /// The prediction a step reports, captured before learning moves the learner's own.
    private let reported: ScalarBuffer<Float>
    private var alerts: [DriftAlert] = []
    private var boostRemaining = 0
    private var wasAlerting = false
    /// β as configured; the learner's β is this, ×boost while boosted, or 0 while paused.
    var baseBeta: Double
    private var losses = LossWindow()
    /// The anomaly score of the latest scored step (nan before drift detection starts or when off).
    public private(set) var latestScore = Double.nan
    /// While paused the weights stay fixed (β = 0) but the state still follows the input, so
    /// predictions stay current and learning resumes where it left off.
    public var isPaused = false {
        didSet {
            guard isPaused != oldValue else { return }
            // Momentum gathered while paused would land on the weights all at once on resume.
            if !isPaused { learner.resetCostates() }
            applyPlasticity()
        }
    }
    /// Gives each alert its id, the same on every sink (`hamlet run`); nil: none (`hamlet learn`).
    public var alertIDs: AlertIdentity?
    /// Receives each sensor value clipped into its sane range (channel, reason); nil: logged as a warning.
    public var onInputClipped: ((_ channel: Int, _ reason: String) -> Void)?
    /// Mean loss over the last `LossWindow.size` scored steps.
    public var recentMeanLoss: Double { losses.mean }
    /// The drift detectors' settings in force, nil when detection is off.
    public var driftOptions: DriftOptions? { drift?.options }

    /// `pendingInput` comes from a checkpoint that was written between a forecast and its scoring.
    public init(
        learner: AgentLearner, model: ModelConfiguration, options: LearnOptions, mapping: ColumnMapping,
        reader: any RecordSource, output: any OutputSink, pendingInput: [Float]?, logger: Logger
    ) {
        self.learner = learner
        self.model = model
        self.options = options
        self.mapping = mapping
        self.reader = reader
        self.output = output
        self.logger = logger
        baseBeta = learner.configuration.beta
        input = [Float](repeating: 0, count: learner.inputCount)
        target = [Float](repeating: 0, count: learner.outputCount)
        reported = ScalarBuffer(count: learner.outputCount)
        if options.task == .forecast, options.scoresForecast {
            let channels = mapping.inputIndices.count
            scoring = ForecastScoring(
                channelCount: channels, usesCalendar: learner.inputCount > channels,
                score: options.drift?.forecast ?? ForecastScoreConfiguration())
            drift = options.drift.map { DriftStage(Self.lossDetectors(of: $0)) }
        } else {
            drift = options.drift.map { DriftStage($0) }
        }
        if let pendingInput, options.task == .forecast {
            self.pendingInput = pendingInput
            pendingInput.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
        }
        faultGuard = LearnerGuard(learner: learner)
    }

    /// Processes `first` (with its join key, if any) and then every event the reader yields, until
    /// the input ends.
    public func run(first: Sample?, firstJoinKey: Double? = nil, skippedBeforeFirst: Int = 0) throws(LearnError) -> LearnSummary {
        summary.skippedLines = skippedBeforeFirst
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        // Every record is read into this one sample, so the loop allocates no record of its own.
        var sample = first ?? Sample(position: 0, values: [])
        var event = first.map { _ in RecordSourceEvent.record(joinKey: firstJoinKey) }
        while let current = event {
            switch current {
            case .record(let joinKey):
                try process(sample, joinKey: joinKey)
                if options.progressInterval > 0, summary.records % 1024 == 0 {
                    let now = clock.now
                    if now - lastReport >= .seconds(options.progressInterval) {
                        lastReport = now
                        logger.info("\(progressLine(elapsed: now - start))")
                    }
                }
            case .joined(let joined):
                try learn(joined)
            }
            event = try nextEvent(into: &sample)
        }
        return try finish()
    }

    /// Flushes the output, writes the final checkpoint (with `options.checkpointPath`) and
    /// returns the summary. For callers that drive `step` themselves.
    public func finish() throws(LearnError) -> LearnSummary {
        try output.flush()
        if let path = options.checkpointPath { try writeCheckpoint(to: path) }
        summary.steps = learner.stepCount
        summary.nonFiniteLosses = learner.nonFiniteLosses
        summary.recentMeanLoss = losses.mean
        return summary
    }

    /// Learns from one record and writes its lines: the loop body, for callers with their own loop.
    public func step(_ record: Sample) throws(LearnError) { try process(record, joinKey: nil) }

    func applyPlasticity() {
        let factor = boostRemaining > 0 ? (options.drift?.boostFactor ?? 1) : 1
        learner.configuration.beta = isPaused ? 0 : baseBeta * factor
    }

    private func nextEvent(into sample: inout Sample) throws(LearnError) -> RecordSourceEvent? {
        while true {
            do {
                return try reader.nextEvent(into: &sample)
            } catch {
                guard options.skipBad, error.isRecoverable else { throw .badRecord(line: error.position, error.message) }
                summary.skippedLines += 1
                if summary.skippedLines <= 10 { logger.warning("skipped \(error)") }
                if summary.skippedLines == 10 { logger.warning("further skipped lines are only counted") }
            }
        }
    }

    private func process(_ record: Sample, joinKey: Double?) throws(LearnError) {
        summary.records += 1
        for (slot, column) in mapping.inputIndices.enumerated() { input[slot] = Float(record.values[column]) }
        let stepsBefore = learner.stepCount
        var loss = Float.nan
        var forecastScore: Double?
        switch options.task {
        case .forecast where scoring == nil:
            let learns = pendingInput != nil
            if learns { loss = input.withUnsafeBufferPointer { learner.learn(target: $0.baseAddress!) } }
            input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
            let usable = try guardStep(loss: learns ? loss : nil, forwardAgain: true, index: record.position)
            pendingInput = usable ? input : nil
            capturePrediction()
        case .forecast:
            scoring!.read(timestamp: record.time) { record.values[mapping.inputIndices[$0]] }
            forecastScore = scoring!.score(prediction: pendingInput != nil ? learner.prediction.pointer : nil)
            let learns = pendingInput != nil
            if learns { loss = scoring!.target.withUnsafeBufferPointer { learner.learn(target: $0.baseAddress!) } }
            input.withUnsafeMutableBufferPointer { scoring!.nextInput(timestamp: record.time, into: $0.baseAddress!) }
            reportClips(index: record.position)
            input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
            let usable = try guardStep(loss: learns ? loss : nil, forwardAgain: true, index: record.position)
            pendingInput = usable ? input : nil
            captureForecast()
        case .regress where options.lateTargets, .classify where options.lateTargets:
            // Predicted now; learned when its target is joined (see `learn(_:)`).
            input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
            _ = try guardStep(loss: nil, forwardAgain: true, index: record.position)
            capturePrediction()
        case .regress, .classify:
            try fillTarget(from: record)
            input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
            // A fault left by the last step's learning shows here, before this prediction is reported.
            let usable = try guardStep(loss: nil, forwardAgain: true, index: record.position)
            // Reported as predicted before learning from this record's own target.
            capturePrediction()
            if usable {
                loss = target.withUnsafeBufferPointer { learner.learn(target: $0.baseAddress!) }
                _ = try guardStep(loss: loss, forwardAgain: false, index: record.position)
            }
        }
        var (step, score) = scoreLoss(loss, stepsBefore: stepsBefore)
        if scoring != nil, drift != nil {
            score = forecastScore
            if let forecastScore {
                latestScore = forecastScore
                // Alerts, like the loss detectors', wait for the drift warm-up; the score does not.
                let warmedUp = step > Int64(options.drift?.monitor.warmUpSamples ?? 0)
                if scoring!.anomaly.isAlerting, !wasAlerting, warmedUp {
                    alerts.append(
                        DriftAlert(
                            detector: "anomaly-score", kind: .increase, statistic: forecastScore,
                            threshold: scoring!.anomaly.configuration.threshold, sampleIndex: Int(step)))
                }
                wasAlerting = scoring!.anomaly.isAlerting
            }
        }
        // Without learning steps (late targets) the record count thins the lines.
        if (options.lateTargets ? Int64(summary.records) : step) % Int64(options.outputEvery) == 0 {
            try report(.record, step: step, index: record.position, key: joinKey, loss: loss, score: score)
        }
        try finishStep(step, stepsBefore: stepsBefore, index: record.position)
    }

    /// One learning step from a late target: forward on the joined record's stored input (exact
    /// for a stateless model), learn from the target, and write a `"type":"joined"` line.
    private func learn(_ joined: JoinedTarget) throws(LearnError) {
        precondition(options.lateTargets, "a joined target needs LearnOptions.lateTargets")
        summary.joinedTargets += 1
        for (slot, column) in mapping.inputIndices.enumerated() { input[slot] = joined.input[column] }
        if options.task == .classify {
            for k in 0..<learner.outputCount { target[k] = 0 }
            target[Int(joined.target[0])] = 1
        } else {
            for (slot, value) in joined.target.enumerated() { target[slot] = value }
        }
        let stepsBefore = learner.stepCount
        input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
        let usable = try guardStep(loss: nil, forwardAgain: true, index: joined.index)
        capturePrediction()
        var loss = Float.nan
        if usable {
            loss = target.withUnsafeBufferPointer { learner.learn(target: $0.baseAddress!) }
            _ = try guardStep(loss: loss, forwardAgain: false, index: joined.index)
        }
        let (step, score) = scoreLoss(loss, stepsBefore: stepsBefore)
        if step % Int64(options.outputEvery) == 0 {
            try report(.joined(target: joined.target), step: step, index: joined.index, key: joined.key, loss: loss, score: score)
        }
        try finishStep(step, stepsBefore: stepsBefore, index: joined.index)
    }

    /// Counts the step's loss and, when the step learned, feeds it to the loss detectors: the
    /// steps completed and the loss's anomaly score (nil without detection or learning).
    private func scoreLoss(_ loss: Float, stepsBefore: Int64) -> (Int64, Double?) {
        losses.add(loss)
        let step = learner.stepCount
        guard drift != nil, step > stepsBefore else { return (step, nil) }
        let score = drift!.update(loss: Double(loss)) { alerts.append($0) }
        latestScore = score
        return (step, score)
    }

    /// The step's alerts and their reaction, then the periodic checkpoint when one is due.
    private func finishStep(_ step: Int64, stepsBefore: Int64, index: Int) throws(LearnError) {
        try reactToAlerts(step: step, index: index)
        if let path = options.checkpointPath, options.checkpointEvery > 0, step > stepsBefore,
            step % Int64(options.checkpointEvery) == 0
        {
            try writeCheckpoint(to: path)
        }
    }

    /// Writes every alert of this step (never thinned by --every) and applies the configured reaction.
    private func reactToAlerts(step: Int64, index: Int) throws(LearnError) {
        if boostRemaining > 0 {
            boostRemaining -= 1
            if boostRemaining == 0 { applyPlasticity() }
        }
        guard !alerts.isEmpty, let options = options.drift else { return }
        defer { alerts.removeAll(keepingCapacity: true) }
        var reaction = "none"
        switch options.reaction {
        case .none: break
        case .boostPlasticity:
            boostRemaining = options.boostSteps
            applyPlasticity()
            reaction = "beta ×\(options.boostFactor) for \(options.boostSteps) steps"
        case .resetCostates:
            learner.resetCostates()
            reaction = "costates reset"
        }
        for alert in alerts {
            summary.driftAlerts += 1
            try output.alert(AlertReport(.drift(alert, reaction: reaction), step: step, position: position(index), id: alertIDs?.next()))
        }
    }

    /// Keeps the forecast, in the sensor's units, for the step's report.
    private func captureForecast() {
        for c in 0..<learner.outputCount { reported[c] = scoring!.denormalize(learner.prediction.pointer[c], channel: c) }
    }

    /// Keeps the learner's prediction as it stands for the step's report.
    private func capturePrediction() {
        reported.pointer.update(from: learner.prediction.pointer, count: learner.outputCount)
    }

    private func report(
        _ kind: PredictionReport.Kind, step: Int64, index: Int, key: Double?, loss: Float, score: Double?
    ) throws(LearnError) {
        try output.prediction(
            PredictionReport(
                kind: kind, step: step, position: position(index), key: key, loss: loss, score: score,
                prediction: UnsafeBufferPointer(start: reported.pointer, count: reported.count), classify: options.task == .classify))
    }

    func position(_ index: Int) -> RecordPosition { RecordPosition(name: reader.positionName, index: index) }

    private func fillTarget(from record: Sample) throws(LearnError) {
        if options.task == .regress {
            for (slot, column) in mapping.targetIndices.enumerated() { target[slot] = Float(record.values[column]) }
            return
        }
        let label = record.values[mapping.targetIndices[0]]
        let classes = learner.outputCount
        guard label.rounded() == label, label >= 0, label < Double(classes) else {
            throw .badRecord(
                line: record.position,
                "column \"\(mapping.targetNames[0])\": class \(label) is not an integer in 0..<\(classes)")
        }
        for k in 0..<classes { target[k] = 0 }
        target[Int(label)] = 1
    }

    private func writeCheckpoint(to path: String) throws(LearnError) {
        let file: SafeTensorsFile
        do {
            file = try finiteCheckpointFile()
        } catch {
            // Refused, not fatal: the guard has put the learner back, and the next checkpoint will be good.
            logger.error("\(path): \(error)")
            return
        }
        do {
            try file.write(to: path)
            summary.checkpointsWritten += 1
        } catch {
            throw .checkpoint(.file(path: path, error))
        }
    }

    private func progressLine(elapsed: Duration) -> String {
        let seconds = elapsed.seconds
        let rate = Double(learner.stepCount) / max(seconds, 1e-9)
        return "learned \(learner.stepCount) steps from \(summary.records) records (\(Int(rate)) steps/s), "
            + "mean loss of the last \(LossWindow.size): \(losses.mean)"
    }
}
