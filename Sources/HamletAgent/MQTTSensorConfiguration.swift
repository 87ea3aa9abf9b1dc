import MQTTTransport
import StreamFeatures

/// How records are made from MQTT sensor topics.
public struct MQTTSensorConfiguration: Sendable {
    /// When a learning step happens.
    public enum Stepping: Sendable, Equatable {
        /// As soon as a message leaves every slot with a value: one step per message.
        case perMessage
        /// Once per period, from the latest values, however many messages came meanwhile.
        case periodic(seconds: Double)
    }

    /// Where a record's time comes from: the newest time among the messages that completed it.
    public enum RecordTime: Sendable, Equatable {
        /// When each message arrived (the wall clock), for sensors that send no time.
        case arrival
        /// The JSON payload field with this name: epoch seconds or a date and time (`TimestampText`).
        case field(String)

        /// The setting's spelling: empty or `arrival` for the wall clock, anything else a field name.
        public init(setting: String) { self = setting.isEmpty || setting == "arrival" ? .arrival : .field(setting) }

        /// The payload field, nil for arrival time.
        public var field: String? {
            if case .field(let name) = self { name } else { nil }
        }
    }

    /// One input value per slot, in this order; the slot names become the column names.
    public var slots: [SensorSlot]
    public var stepping: Stepping
    /// Supervised targets on their own topics, joined to their steps (nil: none).
    public var targets: MQTTTargetConfiguration?
    public var time: RecordTime
    /// The subscriptions' QoS: 1 lets a persistent session keep what arrives while the agent is away.
    public var qos: MQTTQoS

    /// Joining by sequence number needs `.perMessage` stepping (one step per sequence number).
    public init(
        slots: [SensorSlot], stepping: Stepping = .perMessage, targets: MQTTTargetConfiguration? = nil, time: RecordTime = .arrival,
        qos: MQTTQoS = .atMostOnce
    ) {
        self.qos = qos
        if case .sequence = targets?.join { precondition(stepping == .perMessage, "sequence joining needs per-message stepping") }
        self.slots = slots
        self.stepping = stepping
        self.targets = targets
        self.time = time
    }
}
