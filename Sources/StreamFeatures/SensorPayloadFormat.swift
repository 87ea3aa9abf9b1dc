/// How one MQTT message's payload encodes its numbers.
public enum SensorPayloadFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// UTF-8 JSON: a bare number (`21.5`), an array of numbers (`[1, 2, 3]`), or an object of
    /// named numbers (`{"temp": 21.5, "hum": 40}`) that may carry a timestamp field.
    case json
    /// UTF-8 text: one line of comma-separated decimal numbers (`1.5,2,3`), optional trailing newline.
    case csv
    /// Packed IEEE 754 single-precision floats, little-endian; the length is a multiple of 4.
    case float32LittleEndian
}

/// The unit of a JSON payload's timestamp field; both count from the Unix epoch (UTC).
public enum SensorTimestampUnit: String, Sendable, Hashable, Codable {
    /// Seconds since 1970-01-01T00:00:00Z, fractions allowed (`1718000000.25`).
    case seconds
    /// Milliseconds since 1970-01-01T00:00:00Z (`1718000000250`), as JavaScript's `Date.now()`.
    case milliseconds
}
