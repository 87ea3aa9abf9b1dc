import JSONText
import HamiltonianLearning

/// Every YAML key of `AgentConfiguration`, in the order of `config/hamlet.yaml`: the one table the
/// file, the environment, the overrides and `effectiveSettings` all go through.
enum SettingsSchema {
    typealias C = AgentConfiguration

    static let all: [Setting] = agent + source + audio + model + learning + drift + mqtt + outputs + checkpoints + metrics

    static let agent: [Setting] = [
        .text("agent.id", \C.agent.id, maximumBytes: 256, rule: ValueRules.topicLevel),
        .text("agent.state_directory", \C.agent.stateDirectory),
    ]

    static let source: [Setting] = [
        .choice("source.kind", \C.source.kind),
        .integer("source.synthetic.channels", \C.source.synthetic.channels, rule: ValueRules.within(1...1024)),
        .integer("source.synthetic.change_at", \C.source.synthetic.changeAtStep, rule: ValueRules.atLeast(0, " (0 = never)")),
        .integer("source.synthetic.steps", \C.source.synthetic.steps, rule: ValueRules.atLeast(0, " (0 = endless)")),
        .number("source.synthetic.rate_hz", \C.source.synthetic.rateHz, rule: ValueRules.upTo(1e6, ValueRules.zeroOrPositive(" (0 = as fast as possible)"))),
        .integer("source.synthetic.seed", \C.source.synthetic.seed),
        .text("source.recording.path", \C.source.recording.path),
        .flag("source.recording.realtime", \C.source.recording.realtime),
        .text("source.alsa.device", \C.source.alsa.device, rule: ValueRules.nonEmpty("name a device such as default or plughw:1,0")),
        .integer("source.alsa.channels", \C.source.alsa.channels, rule: ValueRules.within(1...64)),
        .choice("source.alsa.sample_format", \C.source.alsa.sampleFormat),
        .number("source.alsa.buffer_seconds", \C.source.alsa.bufferSeconds, rule: ValueRules.upTo(60, ValueRules.positive())),
        .value(
            "source.mqtt.sensors", \C.source.mqtt.sensors,
            decode: { SettingDecoding.list($0, maximumCount: 1024, item: SensorSetting.decode) }, check: SensorSetting.check,
            json: SensorSetting.json),
        .choice("source.mqtt.format", \C.source.mqtt.format),
        .number("source.mqtt.max_age_seconds", \C.source.mqtt.maxAgeSeconds, rule: ValueRules.positive()),
        .choice("source.mqtt.step", \C.source.mqtt.step),
        .number("source.mqtt.step_period_seconds", \C.source.mqtt.stepPeriodSeconds, rule: ValueRules.upTo(86_400, ValueRules.positive())),
        .text("source.mqtt.time_field", \C.source.mqtt.timeField, maximumBytes: 256),
        .integer("source.mqtt.qos", \C.source.mqtt.qos, rule: ValueRules.within(0...1)),
    ]

    static let audio: [Setting] = [
        .integer("audio.sample_rate_hz", \C.audio.sampleRateHz, rule: ValueRules.within(1000...384_000, " Hz, such as 16000")),
        .integer("audio.period_frames", \C.audio.periodFrames, rule: ValueRules.within(1...65_536)),
        .integer("audio.mel_bands", \C.audio.melBands, rule: ValueRules.within(1...512)),
        .integer("audio.mfcc", \C.audio.mfccCount, rule: ValueRules.within(0...512, " (0 = log-mel features)")),
        .number("audio.pre_emphasis", \C.audio.preEmphasis, rule: ValueRules.betweenZeroAndOne(inclusive: true, " (0 = none; typically 0.97)")),
        .integer("audio.normalize_frames", \C.audio.normalizeFrames, rule: ValueRules.within(0...10_000_000, " (0 = off)")),
    ]

    static let model: [Setting] = [
        .choice("model.kind", \C.model.kind),
        .integer("model.state_size", \C.model.stateSize, rule: ValueRules.within(1...4096)),
        .integer("model.hidden_size", \C.model.hiddenSize, rule: ValueRules.within(0...4096, " (0 = the state size)")),
        .integers("model.hidden_layers", \C.model.hiddenLayers, maximumCount: 64, each: 1...4096, what: "a layer width"),
        .choice("model.activation", \C.model.activation),
        .choice("model.gradient_mode", \C.model.gradientMode),
        .integer("model.layers", \C.model.layers, rule: ValueRules.within(1...64)),
        .integer("model.width", \C.model.width, rule: ValueRules.within(2...4096)),
        .integer("model.stage.count", \C.model.stage.count, rule: { count in
            count == 0 || (2...64).contains(count)
                ? nil : "must be 0 (this agent runs the whole network) or from 2 to 64 stages, got \(count)"
        }),
        .integer("model.stage.index", \C.model.stage.index, rule: ValueRules.within(0...63, " (0 = the first stage)")),
        .integers("model.stage.blocks", \C.model.stage.blocks, maximumCount: 64, each: 1...64, what: "a stage's block count"),
        .text(
            "model.stage.topic_prefix", \C.model.stage.topicPrefix, maximumBytes: 1024,
            rule: { ValueRules.topicPrefix($0) ?? ValueRules.nonEmpty("give the prefix every stage shares, such as plant/pump-7")($0) }),
        .choice("model.stage.timing", \C.model.stage.timing),
        .integer("model.stage.max_staleness", \C.model.stage.maxStaleness, rule: ValueRules.within(0...10_000)),
        .number("model.stage.timeout_seconds", \C.model.stage.timeoutSeconds, rule: ValueRules.upTo(3_600, ValueRules.positive())),
    ]

    static let learning: [Setting] = [
        .number("learning.tau", \C.learning.tau, rule: ValueRules.upTo(100, ValueRules.positive())),
        .number("learning.beta", \C.learning.beta, rule: ValueRules.upTo(100, ValueRules.zeroOrPositive())),
        .number("learning.eta", \C.learning.eta, rule: ValueRules.upTo(1e4, ValueRules.zeroOrPositive())),
        .number("learning.phi", \C.learning.phi, rule: ValueRules.upTo(1e6, ValueRules.zeroOrPositive())),
        .choice("learning.ordering", \C.learning.ordering),
        .integer("learning.state_costate_reset", \C.learning.stateCostateResetSteps, rule: ValueRules.atLeast(0, " (0 = never)")),
        .number("learning.gradient_clip", \C.learning.gradientClip, rule: ValueRules.upTo(1e6, ValueRules.zeroOrPositive(" (0 = off)"))),
        .choice("learning.scheme", \C.learning.scheme),
        .integer("learning.threads", \C.learning.threads, rule: ValueRules.within(1...64)),
        .integer("learning.seed", \C.learning.seed),
        .flag("learning.paused", \C.learning.paused),
    ]

    static let drift: [Setting] = [
        .flag("drift.enabled", \C.drift.enabled),
        .value(
            "drift.detectors", \C.drift.detectors,
            decode: { SettingDecoding.list($0, maximumCount: C.Drift.Detector.allCases.count, item: SettingDecoding.choice) },
            check: { detectors in
                detectors.enumerated().compactMap { index, detector in
                    detectors[..<index].contains(detector)
                        ? SettingProblem(suffix: "[\(index)]", "names \(detector.rawValue) a second time; list each detector once")
                        : nil
                }
            },
            json: { .array($0.map { .string($0.rawValue) }) }),
        .integer("drift.warm_up", \C.drift.warmUpSteps, rule: ValueRules.atLeast(0)),
        .integer("drift.cooldown", \C.drift.cooldownSteps, rule: ValueRules.atLeast(0)),
        .number("drift.cusum.threshold", \C.drift.cusum.threshold, rule: ValueRules.upTo(1e6, ValueRules.positive(" (in standard deviations)"))),
        .number("drift.adwin.delta", \C.drift.adwin.delta, rule: ValueRules.adwinDelta),
        .number("drift.page_hinkley.threshold", \C.drift.pageHinkley.threshold, rule: ValueRules.upTo(1e6, ValueRules.positive())),
        .number("drift.anomaly.threshold", \C.drift.anomaly.threshold, rule: ValueRules.betweenZeroAndOne(inclusive: false, ", such as 0.9999")),
    ] + score + [
        .choice("drift.reaction", \C.drift.reaction),
        .number("drift.boost_factor", \C.drift.boostFactor, rule: ValueRules.upTo(1000, ValueRules.positive())),
        .integer("drift.boost_steps", \C.drift.boostSteps, rule: ValueRules.atLeast(0)),
    ]

    /// `drift.score`: the forecast score's settings (`ForecastScoreConfiguration`; ranges as its `problems`).
    static let score: [Setting] = [
        .integer("drift.score.warm_up_samples", \C.drift.score.warmUpSamples, rule: ValueRules.within(1...10_000_000)),
        .number("drift.score.threshold", \C.drift.score.threshold, rule: ValueRules.aboveZeroAtMostOne(", such as 0.5")),
        .integer("drift.score.refractory_samples", \C.drift.score.refractorySamples, rule: ValueRules.atLeast(0, " (0 = off)")),
        .number("drift.score.range_tolerance", \C.drift.score.rangeTolerance, rule: ValueRules.upTo(1e6, ValueRules.zeroOrPositive(" (0 = off)"))),
        .integer("drift.score.short_run_samples", \C.drift.score.shortRunSamples, rule: ValueRules.within(1...1_000_000)),
        .integer("drift.score.long_run_samples", \C.drift.score.longRunSamples, rule: ValueRules.within(1...1_000_000)),
        .number("drift.score.tail_quantile", \C.drift.score.tailQuantile, rule: ValueRules.betweenZeroAndOne(inclusive: false, ", such as 0.95")),
        .integer("drift.score.tail_samples", \C.drift.score.minimumTailSamples, rule: ValueRules.within(0...1_000_000)),
        .integer("drift.score.residual_memory_samples", \C.drift.score.residualMemorySamples, rule: ValueRules.within(2...1_000_000)),
        .number("drift.score.minimum_residual_scale", \C.drift.score.minimumResidualScale, rule: ValueRules.upTo(1e6, ValueRules.positive())),
        .integer("drift.score.horizon_samples", \C.drift.score.horizonSamples, rule: ValueRules.within(0...100_000)),
        .integer("drift.score.horizon_lags", \C.drift.score.horizonLags, rule: ValueRules.within(1...64)),
        .integer("drift.score.recent_range_samples", \C.drift.score.recentRangeSamples, rule: ValueRules.within(0...1_000_000)),
        .number(
            "drift.score.recent_range_tolerance", \C.drift.score.recentRangeTolerance,
            rule: ValueRules.upTo(1e6, ValueRules.zeroOrPositive())),
        .integer("drift.score.context_samples", \C.drift.score.contextSamples, rule: ValueRules.within(0...10_000_000)),
        .integer("drift.score.context_order", \C.drift.score.contextOrder, rule: ValueRules.within(1...8)),
        .integer("drift.score.context_bins", \C.drift.score.contextBins, rule: ValueRules.within(2...64)),
    ]

    static let mqtt: [Setting] = [
        .flag("mqtt.enabled", \C.mqtt.enabled),
        .text("mqtt.host", \C.mqtt.host, maximumBytes: 253),
        .integer("mqtt.port", \C.mqtt.port, rule: ValueRules.within(1...65535)),
        .text("mqtt.client_id", \C.mqtt.clientID, maximumBytes: 256),
        .text("mqtt.topic_prefix", \C.mqtt.topicPrefix, maximumBytes: 1024, rule: ValueRules.topicPrefix),
        .choice("mqtt.protocol", \C.mqtt.protocolVersion),
        .integer("mqtt.keep_alive_seconds", \C.mqtt.keepAliveSeconds, rule: { seconds in
            seconds == 0 || (5...65535).contains(seconds)
                ? nil : "must be 0 (off) or from 5 to 65535, got \(seconds)"
        }),
        .integer("mqtt.session_expiry_seconds", \C.mqtt.sessionExpirySeconds),
        .number("mqtt.reconnect_max_seconds", \C.mqtt.reconnectMaxSeconds, rule: ValueRules.upTo(3_600, ValueRules.positive())),
        .number("mqtt.shutdown_wait_seconds", \C.mqtt.shutdownWaitSeconds, rule: ValueRules.upTo(600, ValueRules.zeroOrPositive())),
        .text("mqtt.username", \C.mqtt.username, maximumBytes: 256),
        .text("mqtt.password_file", \C.mqtt.passwordFile),
        .text("mqtt.tls.ca_file", \C.mqtt.tls.caFile),
        .text("mqtt.tls.cert_file", \C.mqtt.tls.certFile),
        .text("mqtt.tls.key_file", \C.mqtt.tls.keyFile),
        .integer("mqtt.outbox.max_messages", \C.mqtt.outbox.maxMessages, rule: ValueRules.within(1...10_000_000)),
        .integer("mqtt.outbox.max_bytes", \C.mqtt.outbox.maxBytes, rule: ValueRules.within(1...(1 << 30))),
        .integer("mqtt.outbox.qos0_max_bytes", \C.mqtt.outbox.qos0MaxBytes, rule: ValueRules.within(1...(1 << 30))),
        .flag("mqtt.outbox.durable", \C.mqtt.outbox.durable),
        .integer("mqtt.outbox.durable_max_messages", \C.mqtt.outbox.durableMaxMessages, rule: ValueRules.within(1...1_000_000)),
        .integer("mqtt.outbox.durable_max_bytes", \C.mqtt.outbox.durableMaxBytes, rule: ValueRules.within(1...(1 << 30))),
    ]

    static let outputs: [Setting] = [
        .flag("outputs.stdout", \C.outputs.standardOutput),
        .integer("outputs.prediction_every", \C.outputs.predictionEvery, rule: ValueRules.atLeast(1)),
        .number("outputs.prediction_max_rate_hz", \C.outputs.predictionMaxRateHz, rule: ValueRules.predictionRate),
    ]

    static let checkpoints: [Setting] = [
        .number("checkpoints.every_seconds", \C.checkpoints.everySeconds, rule: ValueRules.zeroOrPositive(" (0 = only on shutdown)")),
        .integer("checkpoints.every_steps", \C.checkpoints.everySteps, rule: ValueRules.atLeast(0, " (0 = off)")),
    ]

    static let metrics: [Setting] = [
        .number("metrics.interval_seconds", \C.metrics.intervalSeconds, rule: ValueRules.upTo(86_400, ValueRules.positive())),
        .text("metrics.prometheus_file", \C.metrics.prometheusFile),
    ]

    /// Settings by key path.
    static let byPath: [String: Setting] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })

    /// Every path that holds other keys (`source`, `source.mqtt`, `drift.cusum`), with its direct
    /// children's names in table order; the root is "".
    static let children: [String: [String]] = {
        var children: [String: [String]] = [:]
        for setting in all {
            let parts = setting.path.split(separator: ".").map(String.init)
            for depth in 0..<parts.count {
                let parent = parts[..<depth].joined(separator: ".")
                if !(children[parent, default: []].contains(parts[depth])) { children[parent, default: []].append(parts[depth]) }
            }
        }
        return children
    }()
}
