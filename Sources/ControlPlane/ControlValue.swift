import JSONText

/// One setting's value: stored as an override, or reported as an effective value in a reply.
public enum ControlValue: Sendable, Hashable {
    /// Written as the shortest text that reads back as the same `Double`; `null` when not finite.
    case number(Double)
    case integer(Int)
    case string(String)
    /// A flag, such as `learning.paused` (set by `pause` and `resume`).
    case bool(Bool)

    /// The value as JSON text.
    public var jsonText: String {
        switch self {
        case .number(let value): JSONText.number(value)
        case .integer(let value): String(value)
        case .string(let text): JSONText.string(text)
        case .bool(let value): value ? "true" : "false"
        }
    }
}
