import AgentSettings
import MQTTTransport
import LearningPipeline

extension AgentConfiguration {
    /// What `hamlet run` would refuse while building the agent, found without building it (no
    /// broker, device or file is opened): the MQTT connection's settings, a sensor source without
    /// MQTT, and the model's sizes for the inputs the source is known to have. `--check` and `run`
    /// both apply it, so that a configuration `--check` passes does not fail at start.
    public func runProblems(environment: [String: String]) -> [String] {
        var problems: [String] = []
        if mqtt.enabled {
            do {
                try mqttConfiguration(agentID: resolvedAgentID(), environment: environment).validate()
            } catch {
                problems.append("mqtt: \(error)")
            }
        } else if source.kind == .mqtt {
            problems.append("source.kind is mqtt but mqtt.enabled is false; enable MQTT to read sensors from a broker")
        }
        problems += driftOptions?.problems.map { "drift: \($0)" } ?? []
        // Audio's feature count is known only once the recording or device is open.
        let channels = source.kind == .recording || source.kind == .alsa ? nil : configuredChannels
        if let channels, channels.count > 0 {
            let inputs = ForecastScoring.inputCount(channels: channels.count, calendar: channels.calendar)
            problems += modelConfiguration(inputCount: inputs, outputCount: channels.count).problems.map { "model: \($0)" }
        }
        return problems
    }

    /// The channels the source yields and whether its records carry a time, from the settings
    /// alone: what a pipeline stage that does not read the source builds its network for.
    public var configuredChannels: (count: Int, calendar: Bool) {
        switch source.kind {
        case .synthetic: (source.synthetic.channels, false)
        case .mqtt: (source.mqtt.sensors.count, true)
        case .recording, .alsa: (audio.features.featureCount, false)
        }
    }
}
