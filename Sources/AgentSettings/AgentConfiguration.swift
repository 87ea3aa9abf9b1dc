/// Everything `hamlet run` is configured with, one nested value per YAML section.
///
/// `AgentConfiguration()` is the built-in defaults; `AgentConfigurationLoader` layers a YAML file,
/// `HAMLET_…` environment variables and the control plane's overrides file on top and validates
/// the result. A value of this type handed out by the loader has passed every check.
public struct AgentConfiguration: Sendable, Equatable {
    /// `agent`: who this agent is and where it keeps its state.
    public var agent: Agent
    /// `source`: where the input vectors come from.
    public var source: Source
    /// `audio`: the audio front end (ALSA and recording sources).
    public var audio: Audio
    /// `model`: the network learned online.
    public var model: Model
    /// `learning`: the Hamiltonian learning hyper-parameters.
    public var learning: Learning
    /// `drift`: change detection over the loss stream and what to do on an alert.
    public var drift: Drift
    /// `mqtt`: the broker outputs are published to and the control plane listens on.
    public var mqtt: MQTT
    /// `outputs`: how much of the prediction stream is published.
    public var outputs: Outputs
    /// `checkpoints`: when the learner's state is saved.
    public var checkpoints: Checkpoints
    /// `metrics`: how often counters are reported.
    public var metrics: Metrics

    public init(
        agent: Agent = Agent(), source: Source = Source(), audio: Audio = Audio(), model: Model = Model(),
        learning: Learning = Learning(), drift: Drift = Drift(), mqtt: MQTT = MQTT(), outputs: Outputs = Outputs(),
        checkpoints: Checkpoints = Checkpoints(), metrics: Metrics = Metrics()
    ) {
        (self.agent, self.source, self.audio, self.model, self.learning) = (agent, source, audio, model, learning)
        (self.drift, self.mqtt, self.outputs, self.checkpoints) = (drift, mqtt, outputs, checkpoints)
        self.metrics = metrics
    }

    /// The built-in defaults, which `config/hamlet.yaml` spells out.
    public static let defaults = AgentConfiguration()
}
