/// Where in a payload a value sits, for error messages.
public enum SensorValueLocation: Sendable, Hashable, CustomStringConvertible {
    /// The payload as a whole.
    case payload
    /// A JSON object's field.
    case field(String)
    /// A JSON array element or positional value, counted from 0.
    case element(Int)
    /// A CSV column, counted from 1 as a spreadsheet does.
    case column(Int)

    public var description: String {
        switch self {
        case .payload: "the payload"
        case .field(let name): "field \(quoted(name))"
        case .element(let index): "element \(index)"
        case .column(let column): "column \(column)"
        }
    }
}

/// A string in double quotes, shortened to 40 characters so a hostile payload cannot flood a log.
func quoted(_ text: some StringProtocol) -> String {
    let limit = 40
    let shown = text.count > limit ? text.prefix(limit) + "…" : Substring(text)
    var escaped = ""
    for scalar in shown.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case _ where scalar.value < 0x20: escaped += "\\u{\(String(scalar.value, radix: 16))}"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return "\"" + escaped + "\""
}
