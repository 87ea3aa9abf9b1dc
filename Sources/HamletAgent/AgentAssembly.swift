import AgentSettings
import AudioCapture
import DurableFiles
import Glibc
import HamiltonianLearning
import SafeTensors
import ServiceSupport
import Logging
import LearningPipeline

/// Builds `hamlet run`'s pipeline from a validated configuration: the source, the learner
/// (restored from the newest readable checkpoint in the state directory when its model is the
/// configured one), the sinks, the MQTT link and the service around them.
public struct AgentAssembly {
    public let configuration: AgentConfiguration
    public let environment: [String: String]
    /// The run's stop and reload requests and its idle work, shared by the source and the service.
    public let context: RunContext
    public let logger: Logger
    /// Stop after this many learning steps (`hamlet run --max-steps`); nil: until the source ends or a stop.
    public var maximumSteps: Int?
    /// A source of the embedder's own (one `ServiceSource` type, no `source.kind` of its own),
    /// made in place of the configured one; it gets the sinks for the input it rejects and the
    /// run context whose stop request ends it and whose idle work it runs while it waits.
    public var customSource: ((_ rejections: any OutputSink, _ context: RunContext) throws(LearnError) -> any ServiceSource)?

    public init(
        configuration: AgentConfiguration, environment: [String: String], context: RunContext, logger: Logger
    ) {
        (self.configuration, self.environment, self.context) = (configuration, environment, context)
        self.logger = logger
    }

    /// The agent's id: configured, or the host name.
    public var agentID: String { configuration.resolvedAgentID() }

    /// Where accepted control-plane changes are kept, so that they survive restarts.
    public var overridesPath: String { configuration.resolvedOverridesPath(environment: environment) }

        /// Builds the pipeline; `base` is the configuration without the overrides (file and
    /// environment), against which control commands are validated.
    public func build(configurationPath: String?, base: AgentConfiguration) throws(LearnError) -> AgentRuntime {
        let id = agentID
        let state = try makeStateDirectory()
        let link: AgentMQTTLink?
        if configuration.mqtt.enabled {
            let mqtt = configuration.mqttConfiguration(agentID: id, environment: environment)
            link = try AgentMQTTLink(configuration: mqtt, topics: configuration.topics(agentID: id), logger: logger)
            try link!.subscribe(link!.topics.control, qos: .atLeastOnce)
        } else {
            link = nil
        }
        let sinks = makeSinks(link: link, agentID: id)
        let source: any ServiceSource
        if let customSource {
            source = try customSource(sinks.all, context)
        } else {
            source = try makeSource(link: link, output: sinks.all)
        }
        // The forecast's inputs are its channels and, when records have a time, the calendar's phases.
        let channels = source.columns.count
        let model = configuration.modelConfiguration(
            inputCount: ForecastScoring.inputCount(channels: channels, calendar: source.recordsHaveTime), outputCount: channels)
        if let problem = model.problems.first { throw .usage("model: \(problem)") }
        let store = CheckpointStore(directory: state + "/checkpoints")
        var options = LearnOptions()
        options.task = .forecast
        options.progressInterval = 0
        options.drift = configuration.driftOptions
        options.scoresForecast = configuration.source.kind != .recording && configuration.source.kind != .alsa
        let mapping = try ColumnMapping(columns: source.columns, task: .forecast, inputs: nil, targets: [], ignored: [])
        let session = try LearnSession.start(
            model: model, hamiltonian: configuration.learning.hamiltonian, loss: .meanSquaredError, seed: configuration.learning.seed,
            options: options, mapping: mapping, reader: source, output: sinks.all,
            checkpoint: store.newestCheckpoint(for: model, logger: logger), origin: .own, logger: logger)
        if let topics = source.channelTopics { session.reportClips(asRejectionsOf: topics) }
        // One id per alert, on standard output and the journal as on the broker.
        session.alertIDs = AlertIdentity(source: link?.client.configuration.clientID ?? id)
        // A pause accepted over the control plane outlives restarts, like every other accepted change.
        session.isPaused = configuration.learning.paused
        let service = AgentService(
            session: session, source: source, link: link, predictionSink: sinks.mqtt, prometheus: sinks.prometheus,
            schedule: Self.schedule(configuration), checkpoints: store, notifier: SystemdNotifier(environment: environment, logger: logger),
            context: context, logger: logger)
        service.maximumSteps = maximumSteps.map(Int64.init)
        return AgentRuntime(
            service: service, configuration: configuration, base: base, configurationPath: configurationPath,
            environment: environment, overridesPath: overridesPath, logger: logger)
    }

    /// The state directory, made now, not at the first checkpoint: the control plane saves its overrides there too.
    func makeStateDirectory() throws(LearnError) -> String {
        let state = configuration.resolvedStateDirectory(environment: environment)
        do {
            try DurableFiles.createDirectory(state, mode: 0o700)
        } catch {
            throw .usage("cannot create the state directory \(state) (agent.state_directory): \(error.description)")
        }
        return state
    }

    /// Standard output, the MQTT topics and the Prometheus file, as configured.
    func makeSinks(link: AgentMQTTLink?, agentID: String) -> (all: CombinedOutputSink, mqtt: MQTTOutputSink?, prometheus: PrometheusFileSink) {
        var sinks: [any OutputSink] = []
        if configuration.outputs.standardOutput { sinks.append(LineWriter()) }
        let mqtt = link.map {
            MQTTOutputSink(
                link: $0, every: configuration.outputs.predictionEvery, maximumRateHz: configuration.outputs.predictionMaxRateHz,
                logger: logger)
        }
        if let mqtt { sinks.append(mqtt) }
        let prometheus = PrometheusFileSink(path: Self.schedule(configuration).prometheusFile, agentID: agentID, logger: logger)
        sinks.append(prometheus)
        return (CombinedOutputSink(sinks), mqtt, prometheus)
    }

    static func schedule(_ configuration: AgentConfiguration) -> AgentService.Schedule {
        AgentService.Schedule(
            checkpointEverySeconds: configuration.checkpoints.everySeconds, checkpointEverySteps: configuration.checkpoints.everySteps,
            metricsIntervalSeconds: configuration.metrics.intervalSeconds,
            prometheusFile: configuration.metrics.prometheusFile.isEmpty ? nil : configuration.metrics.prometheusFile)
    }

    func makeSource(link: AgentMQTTLink?, output: any OutputSink) throws(LearnError) -> any ServiceSource {
        let source = configuration.source
        let audio = configuration.audio
        switch source.kind {
        case .synthetic:
            let s = source.synthetic
            return SyntheticSensorSource(
                channels: s.channels, changeAt: s.changeAtStep, steps: s.steps, rateHz: s.rateHz, seed: s.seed, context: context)
        case .recording:
            return try AudioFeatureReader.open(
                .recording(path: source.recording.path, realTime: source.recording.realtime), sampleRateHz: audio.sampleRateHz,
                periodFrames: audio.periodFrames, features: audio.features, context: context, logger: logger)
        case .alsa:
            let format = ALSASampleFormat(rawValue: source.alsa.sampleFormat.rawValue)!
            return try AudioFeatureReader.open(
                .alsa(
                    device: source.alsa.device, channels: source.alsa.channels, format: format,
                    ringPeriods: max(2, Int((source.alsa.bufferSeconds * Double(audio.sampleRateHz) / Double(audio.periodFrames)).rounded(.up)))),
                sampleRateHz: audio.sampleRateHz,
                periodFrames: audio.periodFrames, features: audio.features, context: context, logger: logger)
        case .mqtt:
            guard let link else {
                throw .usage("source.kind is mqtt but mqtt.enabled is false; enable MQTT to read sensors from a broker")
            }
            return try MQTTSensorSource(
                configuration: configuration.sensorConfiguration, link: link, rejections: output, context: context)
        }
    }
}
