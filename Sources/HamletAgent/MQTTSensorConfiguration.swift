import StreamFeatures

/// What `hamlet learn` needs to learn from MQTT sensor topics and publish its outputs to MQTT.
public struct MQTTSensorConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var clientID: String
    /// One input value per slot, in this order; the slot names become the column names.
    public var slots: [SensorSlot]
    /// One record per period, assembled from the latest values.
    public var stepPeriodSeconds: Double
    /// Outputs go to `<prefix>/prediction`, `<prefix>/alert`, `<prefix>/errors`, `<prefix>/status`.
    public var topicPrefix: String
    /// Publish every k-th prediction line (alerts are never thinned).
    public var publishEvery: Int

    public init(
        host: String, port: Int = 1883, clientID: String, slots: [SensorSlot], stepPeriodSeconds: Double = 1,
        topicPrefix: String, publishEvery: Int = 1
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.slots = slots
        self.stepPeriodSeconds = stepPeriodSeconds
        self.topicPrefix = topicPrefix
        self.publishEvery = publishEvery
    }

    public var predictionTopic: String { topicPrefix + "/prediction" }
    public var alertTopic: String { topicPrefix + "/alert" }
    public var errorTopic: String { topicPrefix + "/errors" }
    public var statusTopic: String { topicPrefix + "/status" }
}
