import AgentSettings
import ControlPlane
import DriftDetection
import HamiltonianLearning
import MQTTTransport
import Logging
import LearningPipeline

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
        let loaded: (AgentConfiguration, AgentConfiguration)
        do {
            loaded = try loadConfiguration()
        } catch {
            logger.error("reload failed; the running configuration stays in force:\n\(error)")
            service.notifier.ready(status: "reload failed; running on the previous configuration")
            return
        }
        // What a restart would refuse is refused now, while the running configuration still works.
        let problems = loaded.1.runProblems(environment: environment)
        guard problems.isEmpty else {
            logger.error("reload failed; the running configuration stays in force:\n\(problems.joined(separator: "\n"))")
            service.notifier.ready(status: "reload failed; running on the previous configuration")
            return
        }
        (base, next) = loaded
        defer { service.notifier.ready(status: "configuration reloaded") }
        let pending = configuration.sectionsWaitingForRestart(next)
        apply(next)
        let waiting = pending.isEmpty ? "" : "; changes to \(pending.joined(separator: ", ")) take effect at the next restart"
        logger.info("configuration reloaded\(waiting)")
    }

    /// Puts the live settings of `next` in force between two steps (`reloaded(with:)` says which:
    /// learning, detector thresholds, prediction rate, checkpoint and metrics schedule); the rest
    /// keeps running as it is until a restart.
    func apply(_ next: AgentConfiguration) {
        let kept = configuration.reloaded(with: next)
        service.session.setLearning(kept.learning.hamiltonian)
        service.session.isPaused = kept.learning.paused
        if case .forecaster(var forecaster) = service.session.model, forecaster.gradientMode != kept.model.gradientMode {
            forecaster.gradientMode = kept.model.gradientMode
            service.session.setModel(.forecaster(forecaster))
        }
        if service.session.driftOptions != nil, let wanted = kept.driftOptions { service.session.reconfigureDrift(wanted) }
        service.predictionSink?.every = kept.outputs.predictionEvery
        service.predictionSink?.maximumRateHz = kept.outputs.predictionMaxRateHz
        service.schedule = AgentAssembly.schedule(kept)
        configuration = kept
    }
}
