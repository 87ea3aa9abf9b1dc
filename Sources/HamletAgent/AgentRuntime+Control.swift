import AgentSettings
import ControlPlane
import HamiltonianLearning
import MQTTTransport
import SystemPrimitives

/// The control plane: each request on `<prefix>/control` is parsed, applied between two
/// steps and answered (MQTT 5 response topic with the correlation data, or
/// `<prefix>/control/reply` with the request's id).
extension AgentRuntime {
    func handle(_ message: MQTTMessage) {
        guard let parser, service.link != nil else { return }
        let reply: ControlReply
        switch parser.parse(message) {
        case .failure(let rejection):
            reply = .error(for: rejection)
        case .success(let request):
            reply = answer(request)
        }
        // The MQTT sink exists whenever the link does: replies have nowhere else to go.
        service.predictionSink?.reply(reply)
    }

    private func answer(_ request: ControlRequest) -> ControlReply {
        let session = service.session
        switch request.command {
        case .getConfig:
            return .config(to: request, configJSON: configuration.effectiveSettings)
        case .getStatus:
            return .status(to: request, statusJSON: service.metricsSnapshot(now: MonotonicClock.nowSeconds()).jsonText)
        case .pause, .resume:
            return persist(request) { settings in ["learning.paused": .bool(settings.learning.paused)] }
        case .resetModel:
            session.resetModel(seed: configuration.learning.seed &+ UInt64(bitPattern: session.learner.stepCount))
            return .ok(to: request, effective: ["step": .integer(Int(session.learner.stepCount))])
        case .resetCostates:
            session.resetCostates()
            return .ok(to: request, effective: ["step": .integer(Int(session.learner.stepCount))])
        case .checkpoint:
            guard let path = service.saveCheckpoint(reason: "requested") else {
                return .error(
                    to: request,
                    ControlError(
                        .internal, "the checkpoint could not be written in \(service.checkpoints.directory); see the agent's log"))
            }
            return .ok(to: request, effective: ["checkpoint": .string(path), "step": .integer(Int(session.learner.stepCount))])
        case .setLearning(let change):
            if change.gradientMode != nil, configuration.model.kind != .forecaster {
                return .error(
                    to: request,
                    ControlError(.rejected, "gradient_mode applies to the forecaster only; this agent runs an MLP", field: "gradient_mode"))
            }
            return persist(request) { settings in
                [
                    "learning.beta": .number(settings.learning.beta), "learning.eta": .number(settings.learning.eta),
                    "learning.phi": .number(settings.learning.phi), "learning.tau": .number(settings.learning.tau),
                    "model.gradient_mode": .string(settings.model.gradientMode.rawValue),
                ]
            }
        case .setDetector(let change):
            guard configuration.drift.enabled else {
                return .error(to: request, ControlError(.rejected, "drift detection is off (drift.enabled: false); turn it on in the configuration first"))
            }
            return persist(request) { settings in
                switch change {
                case .cusum: ["drift.cusum.threshold": .number(settings.drift.cusum.threshold)]
                case .adwin: ["drift.adwin.delta": .number(settings.drift.adwin.delta)]
                case .pageHinkley: ["drift.page_hinkley.threshold": .number(settings.drift.pageHinkley.threshold)]
                case .anomalyScore:
                    [
                        "drift.anomaly.threshold": .number(settings.drift.anomaly.threshold),
                        "drift.score.threshold": .number(settings.drift.score.threshold),
                    ]
                }
            }
        case .setPredictionRate:
            guard service.predictionSink != nil else {
                return .error(to: request, ControlError(.rejected, "predictions are not published over MQTT by this agent"))
            }
            return persist(request) { settings in
                [
                    "outputs.prediction_every": .integer(settings.outputs.predictionEvery),
                    "outputs.prediction_max_rate_hz": .number(settings.outputs.predictionMaxRateHz),
                ]
            }
        }
    }

    /// Stores the command's overrides, re-validates the whole configuration with them and
    /// applies it; on any problem the file and the running settings stay as they were.
    private func persist(
        _ request: ControlRequest, effective: (AgentConfiguration) -> [String: ControlValue]
    ) -> ControlReply {
        let previous: ConfigurationOverrides
        do {
            previous = try ConfigurationOverrides.load(path: overridesPath)
        } catch {
            return .error(to: request, ControlError(.internal, "the overrides file \(overridesPath) is unreadable: \(error)"))
        }
        var next = previous
        for (key, value) in request.command.overrides { next = next.setting(key.rawValue, to: value.overrideValue) }
        let settings: AgentConfiguration
        do {
            settings = try AgentConfigurationLoader.applying(next, to: base, sourceName: "the control request")
        } catch {
            return .error(to: request, ControlError(.rejected, "the change leaves the configuration invalid: \(error)"))
        }
        do {
            try next.save(path: overridesPath)
        } catch {
            return .error(to: request, ControlError(.internal, "could not save \(overridesPath): \(error)"))
        }
        apply(settings)
        return .ok(to: request, effective: effective(configuration))
    }
}

extension ControlValue {
    /// The same value as the overrides file stores it.
    var overrideValue: OverrideValue {
        switch self {
        case .number(let value): .number(value)
        case .integer(let value): .integer(value)
        case .string(let value): .string(value)
        case .bool(let value): .boolean(value)
        }
    }
}
