/// One component of the assembled input vector: where its value comes from and how long it stays fresh.
public struct SensorSlot: Sendable, Hashable {
    /// Which value of a matching message feeds the slot.
    public enum Selector: Sendable, Hashable {
        /// The payload's only value; a payload with more values is rejected.
        case single
        /// A JSON object's field.
        case field(String)
        /// A positional value (array element, CSV column − 1, float32 index), from 0.
        case index(Int)
    }

    /// A name for reports (e.g. "pump1.temp").
    public var name: String
    /// The topic or wildcard filter; with wildcards, the latest message on any matching topic wins.
    public var topic: TopicFilter
    public var selector: Selector
    public var format: SensorPayloadFormat
    /// Older values are flagged stale at assembly (the last value is still used).
    public var maximumAgeSeconds: Double

    public init(
        name: String, topic: TopicFilter, selector: Selector = .single, format: SensorPayloadFormat = .json,
        maximumAgeSeconds: Double
    ) {
        precondition(maximumAgeSeconds > 0, "SensorSlot \(name) needs maximumAgeSeconds > 0, got \(maximumAgeSeconds)")
        if case .index(let index) = selector { precondition(index >= 0, "SensorSlot \(name) needs index ≥ 0") }
        self.name = name
        self.topic = topic
        self.selector = selector
        self.format = format
        self.maximumAgeSeconds = maximumAgeSeconds
    }
}
