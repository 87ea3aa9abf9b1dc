/// The JSON text primitives every hand-built JSON document in Hamlet is written with, so that
/// escaping and number spelling are the same on every topic, file and reply.
public enum JSONText {
    /// Appends `text` as a JSON string literal: quotes, backslashes and control characters escaped
    /// (`\n`, `\r`, `\t` by name, the rest as `\u00XX`); everything else as is, non-ASCII included.
    public static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// `text` as a JSON string literal, escaped as `writeString(_:to:)` does.
    public static func string(_ text: String) -> String {
        var output = ""
        writeString(text, to: &output)
        return output
    }

    /// Appends `elements` as a JSON array, each written by `writeElement`, so value trees share one layout.
    public static func writeArray<Elements: Sequence>(
        _ elements: Elements, to output: inout String, _ writeElement: (Elements.Element, inout String) -> Void
    ) {
        output += "["
        for (index, element) in elements.enumerated() {
            if index > 0 { output += "," }
            writeElement(element, &output)
        }
        output += "]"
    }

    /// Appends `members` as a JSON object in their order: each `key` escaped, then its value written by `writeValue`.
    public static func writeObject<Members: Sequence>(
        _ members: Members, to output: inout String, key: (Members.Element) -> String,
        _ writeValue: (Members.Element, inout String) -> Void
    ) {
        output += "{"
        for (index, member) in members.enumerated() {
            if index > 0 { output += "," }
            writeString(key(member), to: &output)
            output += ":"
            writeValue(member, &output)
        }
        output += "}"
    }

    /// `value` as a JSON number: the shortest text that reads back as the same `Double`, integers
    /// below 2^53 without a fraction (`7`, not `7.0`); `null` when not finite, as JSON has no
    /// spelling for infinity or NaN.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        // Below 2^53 every integer is exact, so `7` is echoed as `7`, not `7.0`.
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return value.description
    }

    /// A number as a person would write it: `-1`, `0.003`, `1e-05`; whole values without `.0`.
    /// Below 1e15 this is JSON's number text; from there on, and for `nan` and `inf` in messages, Swift's own.
    public static func readableNumber(_ value: Double) -> String {
        value.isFinite && abs(value) < 1e15 ? number(value) : "\(value)"
    }
}
