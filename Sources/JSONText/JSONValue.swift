/// A JSON value: read by `JSONParser` or built by the agent in key order, written without
/// Foundation so that the output is stable. Numbers keep their literal text, so what is embedded
/// in a reply is exactly what was given.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, valid by the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; keys are unique.
    case object([JSONMember])

    /// What the value is, for messages: "a string", "an object", …
    public var kind: String {
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
    public var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    public func write(to output: inout String) {
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
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// An integer's number text.
    public static func integer<T: FixedWidthInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// A Double as a person would write it (`JSONText.readableNumber`); `null` when not finite.
    public static func double(_ value: Double) -> JSONValue { value.isFinite ? .number(JSONText.readableNumber(value)) : .null }
}

extension JSONValue {
    /// The value of `key` in an object (nil for a missing key or a value that is not an object).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The text of a string value.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A number's value as a Double (nil for anything else; ±infinity beyond Double's range).
    public var double: Double? {
        if case .number(let literal) = self { return Double(literal) }
        return nil
    }

    /// The elements of an array.
    public var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members of an object, in document order.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
