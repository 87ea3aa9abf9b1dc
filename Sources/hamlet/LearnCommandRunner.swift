import AgentSettings
import ArgumentParser
import HamiltonianLearning
import HamletAgent
import SafeTensors
import ThreadScheduling
import VectorStream
import Logging
import LearningPipeline

/// Turns parsed `learn` options into a reader, a learner (fresh or from a checkpoint) and a session.
struct LearnCommandRunner {
    let command: LearnCommand

    /// Runs as a SCHED_BATCH job, with the input and MQTT threads it starts (see `ThreadScheduling`).
    func run() throws -> LearnSummary {
        try ThreadScheduling.runningAsBatchJob(refused: { printError("hamlet learn: the threads stay ordinary ones: \($0)") }) {
            try learn()
        }
    }

    private func learn() throws -> LearnSummary {
        let reader: any RecordSource
        var fileReader: VectorStreamReader?
        var sensorSource: MQTTSensorSource?
        var link: AgentMQTTLink?
        var mqttOutput: MQTTOutputSink?
        // Publishes `offline` and disconnects once the run is over, however it ends.
        defer { link?.close() }
        if command.mqtt.isEnabled {
            let context = ProcessSignals.install()
            let connection = try command.mqtt.link(logger: .hamlet("hamlet learn"))
            link = connection
            let published = MQTTOutputSink(link: connection, every: command.mqtt.publishEvery, maximumRateHz: command.mqtt.predictionMaxRate)
            mqttOutput = published
            let source = try MQTTSensorSource(
                configuration: command.mqtt.sensorConfiguration(classCount: command.task == .classify ? command.classes : nil),
                link: connection, rejections: published, context: context)
            sensorSource = source
            reader = source
        } else if command.audio.isAudio {
            reader = try command.audio.reader(logger: .hamlet("hamlet learn"))
        } else {
            do {
                let file = try VectorStreamReader(
                    path: command.input == "-" ? nil : command.input, format: command.format, options: command.readerOptions())
                fileReader = file
                reader = file
            } catch {
                throw LearnError.usage(error.description)
            }
        }
        var options = LearnOptions()
        options.task = command.task
        options.outputEvery = command.every
        options.checkpointPath = command.checkpoint
        options.checkpointEvery = command.checkpointEvery
        options.skipBad = command.skipBad
        options.progressInterval = command.quiet ? 0 : 2
        options.drift = try command.driftOptions.options()
        options.scoresForecast = !command.audio.isAudio
        let lateTargets = command.mqtt.hasLateTargets
        options.lateTargets = lateTargets

        var skipped = 0
        let (first, firstJoinKey) = try firstRecord(reader, skipBad: command.skipBad, skipped: &skipped)
        guard !reader.columns.isEmpty else { throw LearnError.usage("the input is empty: there is nothing to learn from") }
        // Late targets are not columns: every column not ignored is an input, as for a forecast.
        let mapping = try ColumnMapping(
            columns: reader.columns, task: lateTargets ? .forecast : command.task, inputs: command.columnList(command.inputs),
            targets: command.columnList(command.targets) ?? [], ignored: command.columnList(command.ignore) ?? [],
            timestamp: fileReader?.timestampColumn)
        // A forecast's inputs are its channels and, with a time, the calendar's phases.
        let modelInputCount =
            command.task == .forecast && !lateTargets
            ? ForecastScoring.inputCount(channels: mapping.inputIndices.count, calendar: reader.recordsHaveTime)
            : mapping.inputIndices.count

        var model: ModelConfiguration
        var hamiltonian = AgentConfiguration().learning.hamiltonian
        var checkpoint: (file: SafeTensorsFile, path: String)?
        let loss: LossFunction = command.task == .classify ? .softmaxCrossEntropy : .meanSquaredError
        let outputCount: Int
        switch command.task {
        case .forecast: outputCount = mapping.inputIndices.count
        case .regress: outputCount = lateTargets ? command.mqtt.targetTopics.count : mapping.targetIndices.count
        case .classify: outputCount = command.classes ?? 0
        }
        if let path = command.initialCheckpoint {
            let file = try wrap { () throws(CheckpointError) in try LearnerCheckpoint.read(path: path) }
            let description = try wrap { () throws(CheckpointError) in try LearnerCheckpoint.describe(file) }
            model = description.model
            hamiltonian = description.hamiltonian
            if !command.modelOptions.isEmpty {
                let requested = try command.modelOptions.configuration(inputCount: model.inputCount, outputCount: model.outputCount)
                if requested != model {
                    throw LearnError.checkpoint(.modelMismatch(checkpoint: model.summary, requested: requested.summary))
                }
            }
            guard model.inputCount == modelInputCount else {
                if command.audio.isAudio {
                    throw LearnError.usage(
                        "the checkpoint's model takes \(model.inputCount) inputs but the audio features have "
                            + "\(mapping.inputIndices.count); match them with --mel-bands or --mfcc")
                }
                // A checkpoint from before records had a time (or from another source) is off by the phases.
                let calendar = modelInputCount > mapping.inputIndices.count
                    ? " plus \(modelInputCount - mapping.inputIndices.count) calendar phases of the records' time" : ""
                throw LearnError.usage(
                    "the checkpoint's model takes \(model.inputCount) inputs but the input has \(mapping.inputIndices.count) "
                        + "input columns (\(mapping.inputNames.joined(separator: ", ")))\(calendar); choose them with --inputs")
            }
            if command.task != .classify || command.classes != nil, model.outputCount != outputCount {
                throw LearnError.usage("the checkpoint's model has \(model.outputCount) outputs but this task needs \(outputCount)")
            }
            guard description.loss == loss else {
                throw LearnError.usage("the checkpoint was trained with the \(description.loss.rawValue) loss, which does not fit --task \(command.task.rawValue)")
            }
            checkpoint = (file, path)
        } else {
            model = try command.modelOptions.configuration(inputCount: modelInputCount, outputCount: outputCount)
        }
        hamiltonian = try command.learningOptions.configuration(base: hamiltonian)
        if command.task == .classify {
            options.classCount = model.outputCount
            sensorSource?.targetClassCount = model.outputCount
        }
        if lateTargets, case .forecaster = model {
            throw LearnError.usage(
                "the checkpoint's model is the recurrent forecaster, but late targets (--target) need a stateless model "
                    + "(--model mlp): the forecaster's state has moved on by the time a target arrives")
        }

        let lines = try command.output.map { path throws(LearnError) in try LineWriter(path: path) } ?? LineWriter()
        let output: any OutputSink = mqttOutput.map { CombinedOutputSink([lines, $0]) } ?? lines
        let session = try LearnSession.start(
            model: model, hamiltonian: hamiltonian, loss: loss, seed: command.learningOptions.seed, options: options,
            mapping: mapping, reader: reader, output: output, checkpoint: checkpoint, origin: .named, logger: .hamlet("hamlet learn"))
        if let topics = sensorSource?.channelTopics { session.reportClips(asRejectionsOf: topics) }
        let stepsAtStart = session.learner.stepCount
        var summary = try session.run(first: first, firstJoinKey: firstJoinKey, skippedBeforeFirst: skipped)
        summary.stepsAtStart = stepsAtStart
        summary.missedTargets = sensorSource?.missedTargets ?? 0
        return summary
    }

    /// The first record and its join key; no target can join before it.
    private func firstRecord(
        _ reader: any RecordSource, skipBad: Bool, skipped: inout Int
    ) throws -> (Sample?, Double?) {
        var sample = Sample(position: 0, values: [])
        while true {
            do throws(SourceError) {
                while let event = try reader.nextEvent(into: &sample) {
                    if case .record(let key) = event { return (sample, key) }
                }
                return (nil, nil)
            } catch {
                guard skipBad, error.isRecoverable else { throw LearnError.badRecord(line: error.position, error.message) }
                skipped += 1
                // The same cap as LearnSession's, which goes on counting from here.
                if skipped <= 10 { printError("hamlet learn: skipped \(error)") }
                if skipped == 10 { printError("hamlet learn: further skipped lines are only counted") }
            }
        }
    }

    private func wrap<T>(_ body: () throws(CheckpointError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw LearnError.checkpoint(error)
        }
    }
}

