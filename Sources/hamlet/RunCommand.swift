import AgentSettings
import ArgumentParser
import FoundationEssentials
import Glibc
import HamletAgent
import Logging
import LearningPipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent: a source → features → learner → drift detectors → MQTT and/or JSON lines, until stopped.",
        discussion: """
            The configuration is YAML (every key, with its default, in config/hamlet.yaml); without --config the \
            built-in defaults run: a synthetic stream that changes at step 20,000, outputs on the MQTT broker at \
            127.0.0.1:1883 under hamlet/<host name>. Environment variables HAMLET_<SECTION>__<KEY> override the \
            file (e.g. HAMLET_MQTT__HOST=broker.local); settings accepted over the control plane are kept in \
            <state directory>/settings-overrides.json and override both (delete it to return to the file).

            SIGTERM or SIGINT: stop input, write the final checkpoint, publish offline, exit 0. SIGHUP: re-read \
            the configuration (a bad file keeps the running one). Under systemd (Type=notify) it reports READY, \
            STATUS, WATCHDOG and STOPPING.

            With model.stage set, the agent runs one stage of a deep network split across agents that talk \
            through the broker (docs/stages.md): stage 0 reads the source, the last stage publishes the \
            predictions and alerts.

            Examples:
              hamlet run
              hamlet run --config /etc/hamlet/hamlet.yaml
              hamlet run --config hamlet.yaml --check
              hamlet run --config stage-0.yaml --max-steps 5000
            """)

    @Option(help: ArgumentHelp("The YAML configuration file (default: built-in defaults).", valueName: "file"))
    var config: String?

    @Flag(help: "Validate the configuration, print the effective settings as JSON, and exit.")
    var check = false

    @Option(
        help: ArgumentHelp(
            "Stop after this many learning steps, as after SIGTERM (final checkpoint, offline); default: run until stopped.",
            valueName: "n"))
    var maxSteps: Int?

    func validate() throws {
        if let maxSteps, maxSteps < 1 { throw ValidationError("--max-steps must be at least 1, got \(maxSteps)") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let logger = Logger.hamlet("hamlet run")
        let base: AgentConfiguration
        let configuration: AgentConfiguration
        do {
            // The overrides live in the state directory, which the configuration itself names.
            base = try AgentConfigurationLoader.load(path: config, environment: environment, overridesPath: nil)
            let overridesPath = base.resolvedOverridesPath(environment: environment)
            configuration = try AgentConfigurationLoader.applying(
                try ConfigurationOverrides.load(path: overridesPath), to: base, sourceName: overridesPath)
        } catch {
            logger.error("the configuration is not valid:\n\(error)")
            throw ExitCode(78)
        }
        let runProblems = configuration.runProblems(environment: environment)
        guard runProblems.isEmpty else {
            logger.error("the configuration is not valid:\n\(runProblems.joined(separator: "\n"))")
            throw ExitCode(78)
        }
        if check {
            print(configuration.effectiveSettings)
            return
        }
        let context = ProcessSignals.install(reload: true)
        do {
            let assembly = assembly(configuration, environment, context, logger)
            let summary =
                configuration.model.stage.isEnabled
                ? try assembly.buildStage().run() : try assembly.build(configurationPath: config, base: base).run()
            let alerts = summary.driftAlerts > 0 ? "; \(summary.driftAlerts) drift alerts" : ""
            // A pipeline stage below the last has no loss of its own.
            let loss =
                summary.recentMeanLoss.isNaN && configuration.model.stage.isEnabled
                ? "" : "; mean loss of the last \(min(Int(summary.steps), 1000)) steps: \(summary.recentMeanLoss)"
            logger.info("stopped after \(summary.steps) steps from \(summary.records) records\(loss)\(alerts)")
        } catch {
            logger.error("\(error)")
            throw ExitCode(65)
        }
    }

    private func assembly(
        _ configuration: AgentConfiguration, _ environment: [String: String], _ context: RunContext, _ logger: Logger
    ) -> AgentAssembly {
        var assembly = AgentAssembly(configuration: configuration, environment: environment, context: context, logger: logger)
        assembly.maximumSteps = maxSteps
        return assembly
    }
}
