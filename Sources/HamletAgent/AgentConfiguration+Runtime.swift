import AgentSettings
import DriftDetection
import HamiltonianLearning
import MQTTTransport
import StreamFeatures
import SystemPrimitives
import LearningPipeline

/// The library settings that a validated `AgentConfiguration` stands for.
extension AgentConfiguration {
    /// The detectors' settings, nil when drift detection is off.
    public var driftOptions: DriftOptions? {
        guard drift.enabled else { return nil }
        var options = DriftOptions()
        options.detectors = drift.detectors
        options.monitor.warmUpSamples = drift.warmUpSteps
        options.monitor.cooldownSamples = drift.cooldownSteps
        options.cusum.decisionInterval = drift.cusum.threshold
        options.adwin.delta = drift.adwin.delta
        options.pageHinkley.threshold = drift.pageHinkley.threshold
        options.anomaly.threshold = drift.anomaly.threshold
        options.forecast = drift.score
        options.reaction = drift.reaction
        options.boostFactor = drift.boostFactor
        options.boostSteps = drift.boostSteps
        return options
    }

    /// The model for `inputCount` inputs forecasting `outputCount` channels (the first inputs; the
    /// rest, such as the calendar's phases, are known in advance and not forecast).
    public func modelConfiguration(inputCount: Int, outputCount: Int) -> ModelConfiguration {
        switch model.kind {
        case .forecaster:
            return .forecaster(
                ForecasterConfiguration(
                    inputCount: inputCount, stateCount: model.stateSize, hiddenCount: model.resolvedHiddenSize,
                    outputCount: outputCount, activation: model.resolvedActivation, gradientMode: model.gradientMode))
        case .deep:
            return .deep(
                DeepForecasterConfiguration(
                    inputCount: inputCount, width: model.width, blockCount: model.layers, stateCount: model.stateSize,
                    hiddenCount: model.hiddenSize == 0 ? nil : model.hiddenSize, outputCount: outputCount,
                    gradientMode: model.gradientMode, scheme: learning.scheme,
                    coupling: learning.scheme == .reversible ? .additive : .residual, threadCount: learning.threads,
                    stageBlocks: model.stage.blockRange(layers: model.layers)))
        case .mlp:
            return .mlp(
                MLPConfiguration(
                    inputCount: inputCount, hiddenCounts: model.hiddenLayers, outputCount: outputCount,
                    activation: model.resolvedActivation))
        }
    }

    /// The broker connection for agent `agentID`; the password file may come from systemd's
    /// credentials, and the durable outbox lives in the state directory.
    public func mqttConfiguration(agentID: String, environment: [String: String]) -> MQTTConfiguration {
        MQTTConfiguration(
            host: mqtt.host, port: mqtt.port, clientID: resolvedClientID(hostName: agentID),
            keepAliveSeconds: mqtt.keepAliveSeconds,
            // A persistent session keeps the QoS 1 sensor messages sent while the agent is away (3.1.1: clean session off).
            cleanStart: mqtt.sessionExpirySeconds == 0,
            sessionExpirySeconds: mqtt.protocolVersion == .v5 ? mqtt.sessionExpirySeconds : 0,
            protocolVersion: mqtt.protocolVersion == .v5 ? .v5 : .v311,
            tls: mqtt.tls.isEnabled
                ? MQTTTLSConfiguration(
                    caFile: mqtt.tls.caFile, certificateFile: mqtt.tls.certFile.isEmpty ? nil : mqtt.tls.certFile,
                    keyFile: mqtt.tls.keyFile.isEmpty ? nil : mqtt.tls.keyFile) : nil,
            userName: mqtt.username.isEmpty ? nil : mqtt.username, passwordFile: resolvedPasswordFile(environment: environment),
            reconnect: ExponentialBackoff(
                initial: .milliseconds(min(500, Int64(mqtt.reconnectMaxSeconds * 1000))), maximum: .milliseconds(Int64(mqtt.reconnectMaxSeconds * 1000)),
                jitterFraction: 0.2),
            // The agent's non-priority messages are its QoS 0 ones (MQTTOutputSink): predictions, metrics, rejections.
            outbox: MQTTOutboxLimits(
                maximumMessages: mqtt.outbox.maxMessages, maximumBytes: mqtt.outbox.maxBytes,
                maximumNormalBytes: mqtt.outbox.qos0MaxBytes),
            closeTimeout: .milliseconds(Int64((mqtt.shutdownWaitSeconds * 1000).rounded())),
            durableOutbox: mqtt.outbox.durable
                ? MQTTDurableOutboxConfiguration(
                    path: durableOutboxPath(environment: environment), maximumMessages: mqtt.outbox.durableMaxMessages,
                    maximumBytes: mqtt.outbox.durableMaxBytes) : nil)
    }

    /// The alerts waiting for the broker: `mqtt-outbox.log` in the state directory.
    public func durableOutboxPath(environment: [String: String]) -> String {
        resolvedStateDirectory(environment: environment) + "/mqtt-outbox.log"
    }

    /// The output topics for agent `agentID`.
    public func topics(agentID: String) -> AgentTopics {
        AgentTopics(prefix: resolvedTopicPrefix(hostName: agentID))
    }

    /// The MQTT source's slots and stepping (topic filters were checked by the loader).
    public var sensorConfiguration: MQTTSensorConfiguration {
        let input = source.mqtt
        let format: SensorPayloadFormat =
            switch input.format {
            case .json: .json
            case .csv: .csv
            case .float32: .float32LittleEndian
            }
        let slots = input.sensors.map { sensor in
            SensorSlot(
                name: sensor.field.map { "\(sensor.topic):\($0)" } ?? sensor.topic, topic: try! TopicFilter(sensor.topic),
                selector: sensor.field.map { .field($0) } ?? .single, format: format, maximumAgeSeconds: input.maxAgeSeconds)
        }
        return MQTTSensorConfiguration(
            slots: slots, stepping: input.step == .message ? .perMessage : .periodic(seconds: input.stepPeriodSeconds),
            time: MQTTSensorConfiguration.RecordTime(setting: input.timeField), qos: input.qos == 1 ? .atLeastOnce : .atMostOnce)
    }
}
