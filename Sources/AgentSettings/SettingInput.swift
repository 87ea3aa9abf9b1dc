/// A value as one layer (YAML file, environment variable, overrides file) wrote it, before it is
/// checked against the setting it is meant for.
struct SettingInput {
    enum Value {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case list([SettingInput])
        case mapping([Entry])
    }

    /// One key of a mapping, in file order.
    struct Entry {
        var key: String
        var value: SettingInput
    }

    var value: Value
    /// A scalar's text as written (`5`, `on`), so that text settings can take unquoted numbers.
    var text: String
    /// 1-based line in the YAML source, when there is one.
    var line: Int?

    init(_ value: Value, text: String = "", line: Int? = nil) {
        (self.value, self.text, self.line) = (value, text, line)
    }

    /// How the value reads in a message: `"abc"`, `-1`, `true`, `nothing`, `a list`.
    var shownValue: String {
        switch value {
        case .null: "nothing"
        case .bool, .integer, .number: text
        case .string(let string): quoted(shortened(string))
        case .list: "a list"
        case .mapping: "a mapping"
        }
    }

    /// A scalar's text for a text-valued setting: strings as they are, unquoted numbers and
    /// booleans as written, null as empty; nil for lists and mappings.
    var scalarText: String? {
        switch value {
        case .null: ""
        case .bool, .integer, .number: text
        case .string(let string): string
        case .list, .mapping: nil
        }
    }
}

extension SettingInput {
    /// The most values (scalars, lists and mappings) one YAML text may hold: hundreds of times a
    /// complete configuration, far below what could exhaust memory.
    static let maximumNodes = 100_000

    /// Parses one YAML document; an empty document is an empty mapping.
    static func parse(yaml: String) throws(YAMLSyntaxError) -> SettingInput {
        try YAMLComposer.compose(yaml, maximumNodes: maximumNodes) ?? SettingInput(.mapping([]))
    }
}

/// A YAML text that does not parse, with the position libyaml reported (1-based).
struct YAMLSyntaxError: Error {
    var line: Int?
    var column: Int?
    var message: String

    init(line: Int?, column: Int?, message: String) {
        (self.line, self.column, self.message) = (line, column, message)
    }

    /// `YAML syntax error at line 3, column 7: …`
    var problemMessage: String {
        var text = "YAML syntax error"
        if let line { text += " at line \(line)" + (column.map { ", column \($0)" } ?? "") }
        return text + ": " + message
    }
}

/// Text for a message, cut to its first 60 characters (and its size) when longer than 80: a
/// message must not repeat a megabyte of value.
func shortened(_ text: String) -> String {
    guard text.count > 80 else { return text }
    return String(text.prefix(60)) + "… (\(text.utf8.count) bytes)"
}

/// `"text"` with quotes and backslashes escaped, for messages.
func quoted(_ text: String) -> String {
    var result = "\""
    for character in text {
        if character == "\"" || character == "\\" { result.append("\\") }
        result.append(character)
    }
    return result + "\""
}
