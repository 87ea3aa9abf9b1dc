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

    public init(slots: [SensorSlot], stepping: Stepping = .perMessage) {
        self.slots = slots
        self.stepping = stepping
    }
}
