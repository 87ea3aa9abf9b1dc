import AgentSettings
import FoundationEssentials
import HamiltonianLearning
import MQTTTransport
import ServiceSupport
import LearningPipeline

/// Builds `hamlet run` as one stage of a pipelined network split across agents (`model.stage`).
extension AgentAssembly {
    /// The stage's service: its blocks, its own MQTT client for the stage messages (with the
    /// stage's status as its Will), the agent's link for status, predictions and metrics, the
    /// source on the first stage and the outputs on the last.
    public func buildStage() throws(LearnError) -> StageService {
        let settings = configuration.model.stage
        let id = agentID
        let state = try makeStateDirectory()
        let mqtt = configuration.mqttConfiguration(agentID: id, environment: environment)
        let link = try AgentMQTTLink(configuration: mqtt, topics: configuration.topics(agentID: id), logger: logger)
        let (isFirst, isLast) = (settings.index == 0, settings.index == settings.count - 1)
        let channels = configuration.configuredChannels
        let source = isFirst ? try makeSource(link: link, output: MQTTOutputSink(link: link)) : nil
        if let source, source.columns.count != channels.count || source.recordsHaveTime != channels.calendar {
            throw .usage(
                "the source gives \(source.columns.count) values per record where its settings promise \(channels.count) to the "
                    + "other stages; give every stage the same source settings")
        }
        let inputCount = ForecastScoring.inputCount(channels: channels.count, calendar: channels.calendar)
        let model = configuration.modelConfiguration(inputCount: inputCount, outputCount: channels.count)
        if let problem = model.problems.first { throw .usage("model: \(problem)") }
        guard case .deep(let network) = model else { throw .usage("model.stage needs model.kind: deep") }
        let learner = HamiltonianLearner(
            model: DeepForecaster<Float>(network), configuration: configuration.learning.hamiltonian, loss: .meanSquaredError,
            seed: configuration.learning.seed)

        var stageMQTT = mqtt
        stageMQTT.clientID = mqtt.clientID + "-stage"
        stageMQTT.messageDelivery = .queue(capacity: StageLink.earlyLimit)
        // Stage messages of a past connection are of no use: lockstep cannot go back to them.
        (stageMQTT.cleanStart, stageMQTT.sessionExpirySeconds) = (true, 0)
        stageMQTT.status = MQTTStatusConfiguration(topic: StageLink.statusTopic(settings.topicPrefix, stage: settings.index))
        let stageLink: StageLink
        do {
            let client = try MQTTClient(configuration: stageMQTT, logger: logger)
            stageLink = try StageLink(
                client: client, prefix: settings.topicPrefix, stage: settings.index, stageCount: settings.count,
                model: StageMessage.identity(of: networkDescription(network)), life: StageLife.next(stateDirectory: state))
        } catch {
            throw .usage("the stage's MQTT client: \(error)")
        }
        let timing: PipelineStageRunner.Timing = settings.timing == .lockstep ? .lockstep : .free(maximumStaleness: settings.maxStaleness)
        let runner = PipelineStageRunner(
            learner: learner, link: stageLink, timing: timing, timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)))
        let checkpoints = CheckpointStore(directory: state + "/checkpoints")
        let resumed = StageService.restore(into: learner, model: model, from: checkpoints, logger: logger)
        if let resumed { runner.resume(atStep: resumed.step, pipelineStep: resumed.pipelineStep) }
        let input = source.map { StageInput(source: $0, inputCount: inputCount, score: configuration.drift.score, logger: logger) }
        var output: StageOutput?
        if isLast {
            var sinks: [any OutputSink] = [
                MQTTOutputSink(link: link, every: 1, maximumRateHz: configuration.outputs.predictionMaxRateHz, logger: logger)
            ]
            if configuration.outputs.standardOutput { sinks.append(LineWriter()) }
            output = StageOutput(sink: CombinedOutputSink(sinks), drift: configuration.driftOptions)
        }
        let service = StageService(
            runner: runner, model: model, input: input, output: output, link: link, stageClient: stageLink.client,
            schedule: Self.schedule(configuration), predictionEvery: configuration.outputs.predictionEvery,
            checkpoints: checkpoints,
            notifier: SystemdNotifier(environment: environment, logger: logger), context: context, logger: logger)
        service.maximumSteps = maximumSteps.map(Int64.init)
        service.resumedStep = resumed?.step ?? 0
        if let resumed { service.restoreStreamState(from: resumed.file) }
        return service
    }

    /// What every stage of one run must agree on: the whole network, the learning settings, the
    /// seed and the split. Its hash is the stage messages' model identity, so stages configured
    /// for different networks or runs refuse each other's messages.
    func networkDescription(_ stage: DeepForecasterConfiguration) -> String {
        var whole = stage
        (whole.stageBlocks, whole.threadCount) = (nil, 1)
        let split = (0..<configuration.model.stage.count).map { k in
            let blocks = configuration.model.stage.blockRange(ofStage: k, layers: configuration.model.layers)
            return "\(blocks.lowerBound)..<\(blocks.upperBound)"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let network = (try? encoder.encode(whole)).map { String(decoding: $0, as: UTF8.self) } ?? "\(whole)"
        let learning = (try? encoder.encode(configuration.learning.hamiltonian)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "\(network) \(learning) seed \(configuration.learning.seed) stages \(split.joined(separator: ","))"
    }
}
