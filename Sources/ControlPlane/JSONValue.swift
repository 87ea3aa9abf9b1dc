import JSONText

/// A JSON value read from a control payload or supplied by the agent. Numbers keep their
/// literal text, so what is embedded in a reply is exactly what was given.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, valid by the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; keys are unique.
    case object([JSONMember])

    /// What the value is, for messages: "a string", "an object", …
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as compact JSON text.
    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let literal): output += literal
        case .string(let value): JSONText.writeString(value, to: &output)
        case .array(let elements): JSONText.writeArray(elements, to: &output) { value, output in value.write(to: &output) }
        case .object(let members):
            JSONText.writeObject(members, to: &output, key: \.key) { member, output in member.value.write(to: &output) }
        }
    }
}

/// One `"key": value` pair of a JSON object.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue
}
