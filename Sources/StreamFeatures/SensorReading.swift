/// The numbers one sensor message carried, in payload order.
public struct SensorReading: Sendable, Equatable {
    /// Every value, in the order the payload lists them (the timestamp field excluded).
    public var values: [Float]
    /// The JSON object's field names, parallel to `values`; empty for positional payloads
    /// (a bare number, an array, CSV, float32).
    public var fieldNames: [String]
    /// The payload's timestamp in seconds since the Unix epoch, if it had a timestamp field.
    public var timestamp: Double?
    /// The payload's time field in seconds since the Unix epoch, if the parser has a time field.
    public var time: Double?

    public init(values: [Float], fieldNames: [String] = [], timestamp: Double? = nil, time: Double? = nil) {
        (self.values, self.fieldNames, self.timestamp, self.time) = (values, fieldNames, timestamp, time)
    }

    /// The value of the named field, or nil if the payload had no such field.
    public func value(named name: String) -> Float? {
        guard let index = fieldNames.firstIndex(of: name) else { return nil }
        return values[index]
    }
}
