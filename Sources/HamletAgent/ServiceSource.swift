import MQTTTransport
import LearningPipeline

/// A source that `hamlet run` can run: besides its records, how it is named, what it counts and
/// the hooks the service installs, so the service never needs to know which source it holds.
/// While it waits for input a source runs its `RunContext`'s idle work, so the service's periodic
/// work goes on, and it ends at the context's stop request.
/// A new source is a `ServiceSource` plus its settings and one case in `AgentAssembly.makeSource`.
public protocol ServiceSource: RecordSource {
    /// How the log and systemd's status name it ("MQTT sensors", "audio", …).
    var sourceDescription: String { get }
    /// Input lost before it became a record (audio frames after a capture gap).
    var overruns: Int { get }
    /// Messages the source could not read (a malformed sensor payload).
    var rejectedMessages: Int { get }
    /// True when the source reads the MQTT link's queue itself and hands control messages to
    /// `onControl`; otherwise the service takes them from the link.
    var readsControlMessages: Bool { get }
    var onControl: ((MQTTMessage) -> Void)? { get set }
    /// Each channel's topic, for sources whose channels have one: a value clipped into its sane
    /// range is then reported as rejected input of that topic, not only logged.
    var channelTopics: [String]? { get }
}

extension ServiceSource {
    public var overruns: Int { 0 }
    public var rejectedMessages: Int { 0 }
    public var readsControlMessages: Bool { false }
    public var channelTopics: [String]? { nil }
    public var onControl: ((MQTTMessage) -> Void)? {
        get { nil }
        // Such a source never sees control messages: the service takes them from the link.
        set {}
    }
}

extension SyntheticSensorSource: ServiceSource {
    public var sourceDescription: String { "the synthetic stream" }
}

extension AudioFeatureReader: ServiceSource {
    public var sourceDescription: String { "audio" }
    public var overruns: Int { framesAfterGaps }
}

extension MQTTSensorSource: ServiceSource {
    public var sourceDescription: String { "MQTT sensors" }
    public var readsControlMessages: Bool { true }
    public var channelTopics: [String]? { configuration.slots.map(\.topic.description) }
}
