import JSONText

/// The `id` a request may carry; echoed in its reply so the sender can pair them.
public enum ControlRequestID: Sendable, Hashable {
    case string(String)
    /// Echoed as the shortest text that reads back as the same `Double` (`7` stays `7`);
    /// integers beyond 2^53 lose precision, so such ids should be strings.
    case number(Double)

    /// The id as JSON text, as it appears in a reply.
    public var jsonText: String {
        switch self {
        case .string(let text): JSONText.string(text)
        case .number(let value): JSONText.number(value)
        }
    }
}
