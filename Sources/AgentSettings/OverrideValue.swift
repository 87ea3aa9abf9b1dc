import JSONText
/// One value of the overrides file: a JSON scalar.
public enum OverrideValue: Sendable, Equatable, CustomStringConvertible, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)

    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// The value as JSON text: `true`, `12`, `0.01`, `"mlp"`.
    public var description: String { json.text }

    var json: JSONValue {
        switch self {
        case .boolean(let value): .bool(value)
        case .integer(let value): .integer(value)
        // A non-finite number has no JSON form; as a string it loads back as a problem, not a crash.
        case .number(let value): value.isFinite ? .double(value) : .string("\(value)")
        case .string(let value): .string(value)
        }
    }

    /// The value as a layer's input, typed as the YAML reader types it.
    var input: SettingInput {
        switch self {
        case .boolean(let value): SettingInput(.bool(value), text: value ? "true" : "false")
        case .integer(let value): SettingInput(.integer(value), text: String(value))
        case .number(let value): SettingInput(.number(value), text: JSONText.readableNumber(value))
        case .string(let value): SettingInput(.string(value), text: value)
        }
    }
}
