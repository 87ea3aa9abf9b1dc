import JSONText

/// A JSON value built in key order, rendered without Foundation so that the output is stable.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    static func integer<T: FixedWidthInteger>(_ value: T) -> JSONValue {
        if let signed = Int64(exactly: value) { return .integer(signed) }
        return .unsigned(UInt64(truncatingIfNeeded: value))
    }

    /// Compact JSON text. Non-finite numbers, which validation never lets through, become `null`.
    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .unsigned(let value): output += String(value)
        case .number(let value): output += value.isFinite ? formatNumber(value) : "null"
        case .string(let value): JSONText.writeString(value, to: &output)
        case .array(let values): JSONText.writeArray(values, to: &output) { value, output in value.write(to: &output) }
        case .object(let members):
            JSONText.writeObject(members, to: &output, key: \.key) { member, output in member.value.write(to: &output) }
        }
    }
}

/// A number as a person would write it: `-1`, `0.003`, `1e-05`; whole values without `.0`.
/// Below 1e15 this is JSON's number text; from there on, and for `nan` and `inf` in messages, Swift's own.
func formatNumber(_ value: Double) -> String {
    value.isFinite && abs(value) < 1e15 ? JSONText.number(value) : "\(value)"
}
