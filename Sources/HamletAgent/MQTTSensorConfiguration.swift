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

    /// One input value per slot, in this order; the slot names become the column names.
    public var slots: [SensorSlot]
    public var stepping: Stepping
    /// Supervised targets on their own topics, joined to their steps (nil: none).
    public var targets: MQTTTargetConfiguration?

    /// Joining by sequence number needs `.perMessage` stepping (one step per sequence number).
    public init(slots: [SensorSlot], stepping: Stepping = .perMessage, targets: MQTTTargetConfiguration? = nil) {
        if case .sequence = targets?.join { precondition(stepping == .perMessage, "sequence joining needs per-message stepping") }
        self.slots = slots
        self.stepping = stepping
        self.targets = targets
    }
}
