import AgentSettings
import ControlPlane
import DriftDetection
import HamiltonianLearning
import MQTTTransport
import Logging

/// A built agent and the configuration it runs with: applies control commands and SIGHUP
/// reloads to the running pipeline, between two steps, and keeps accepted control changes in
/// the overrides file so that they survive restarts.
public final class AgentRuntime {
    public let service: AgentService
    /// The configuration in force: file, environment and overrides, plus accepted changes.
    public internal(set) var configuration: AgentConfiguration
    /// File and environment only: what control commands' overrides are validated against.
    var base: AgentConfiguration
    let configurationPath: String?
    let environment: [String: String]
    let overridesPath: String
    let logger: Logger
    let parser: ControlRequestParser?

    init(
        service: AgentService, configuration: AgentConfiguration, base: AgentConfiguration, configurationPath: String?,
        environment: [String: String], overridesPath: String, logger: Logger
    ) {
        self.service = service
        self.configuration = configuration
        self.base = base
        self.configurationPath = configurationPath
        self.environment = environment
        self.overridesPath = overridesPath
        self.logger = logger
        parser = service.link.map { ControlRequestParser(topicPrefix: $0.topics.prefix) }
        service.onControl = { [unowned self] message in handle(message) }
        service.onReload = { [unowned self] in reload() }
    }

    /// Runs the pipeline until its source ends or a stop is requested.
    public func run() throws(LearnError) -> LearnSummary { try service.run() }

    /// Loads the file and environment again, and the overrides on top: (base, full).
    func loadConfiguration() throws(ConfigurationErrors) -> (AgentConfiguration, AgentConfiguration) {
        let base = try AgentConfigurationLoader.load(path: configurationPath, environment: environment, overridesPath: nil)
        let overrides = try ConfigurationOverrides.load(path: overridesPath)
        return (base, try AgentConfigurationLoader.applying(overrides, to: base, sourceName: overridesPath))
    }

    /// SIGHUP: re-reads the file and applies what can change while running; the rest is named
    /// as waiting for a restart.
    func reload() {
        service.notifier.reloading()
        let next: AgentConfiguration
        do {
            (base, next) = try loadConfiguration()
        } catch {
            logger.error("reload failed; the running configuration stays in force:\n\(error)")
            service.notifier.ready(status: "reload failed; running on the previous configuration")
            return
        }
        defer { service.notifier.ready(status: "configuration reloaded") }
        var pending: [String] = []
        if next.agent != configuration.agent { pending.append("agent") }
        if next.source != configuration.source { pending.append("source") }
        if next.audio != configuration.audio { pending.append("audio") }
        if next.mqtt != configuration.mqtt { pending.append("mqtt") }
        if next.model != configuration.model { pending.append("model") }
        if next.drift.enabled != configuration.drift.enabled || next.drift.detectors != configuration.drift.detectors {
            pending.append("drift.enabled/detectors")
        }
        if Self.scoreExceptThreshold(next) != Self.scoreExceptThreshold(configuration) { pending.append("drift.score") }
        apply(next)
        let waiting = pending.isEmpty ? "" : "; changes to \(pending.joined(separator: ", ")) take effect at the next restart"
        logger.info("configuration reloaded\(waiting)")
    }

    /// Applies the settings that can change between two steps: learning, detector thresholds,
    /// prediction rate, checkpoint and metrics schedule.
    func apply(_ next: AgentConfiguration) {
        var learning = service.session.learningConfiguration
        let wanted = next.learning.hamiltonian
        learning.tau = wanted.tau
        learning.beta = wanted.beta
        learning.eta = wanted.eta
        learning.phi = wanted.phi
        learning.ordering = wanted.ordering
        learning.stateCostateResetInterval = wanted.stateCostateResetInterval
        learning.gradientClip = wanted.gradientClip
        service.session.setLearning(learning)
        service.session.isPaused = next.learning.paused
        if case .forecaster(var forecaster) = service.session.model, forecaster.gradientMode != next.model.gradientMode,
            next.model.kind == configuration.model.kind
        {
            forecaster.gradientMode = next.model.gradientMode
            service.session.setModel(.forecaster(forecaster))
        }
        if let current = service.session.driftOptions, let wanted = next.driftOptions {
            var options = current
            options.cusum = wanted.cusum
            options.adwin = wanted.adwin
            options.pageHinkley = wanted.pageHinkley
            options.anomaly.threshold = wanted.anomaly.threshold
            options.forecast.threshold = wanted.forecast.threshold
            service.session.reconfigureDrift(options)
        }
        service.predictionSink?.every = next.outputs.predictionEvery
        service.predictionSink?.maximumRateHz = next.outputs.predictionMaxRateHz
        service.schedule = AgentAssembly.schedule(next)
        var kept = next
        // Parts that need a restart stay as they run, so `get-config` tells the truth.
        kept.agent = configuration.agent
        kept.source = configuration.source
        kept.audio = configuration.audio
        kept.mqtt = configuration.mqtt
        kept.model = configuration.model
        if case .forecaster(let running) = service.session.model { kept.model.gradientMode = running.gradientMode }
        kept.drift.enabled = configuration.drift.enabled
        kept.drift.detectors = configuration.drift.detectors
        // The score's history was built with its settings: only its threshold changes on the fly.
        kept.drift.score = Self.scoreExceptThreshold(configuration)
        kept.drift.score.threshold = next.drift.score.threshold
        configuration = kept
    }

    /// `drift.score` with the threshold left out, for telling which score settings wait for a restart.
    private static func scoreExceptThreshold(_ configuration: AgentConfiguration) -> ForecastScoreConfiguration {
        var score = configuration.drift.score
        score.threshold = ForecastScoreConfiguration().threshold
        return score
    }
}
