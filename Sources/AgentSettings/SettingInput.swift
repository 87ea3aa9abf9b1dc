import Yams

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
        self.value = value
        self.text = text
        self.line = line
    }

    /// How the value reads in a message: `"abc"`, `-1`, `true`, `nothing`, `a list`.
    var shownValue: String {
        switch value {
        case .null: "nothing"
        case .bool, .integer, .number: text
        case .string(let string): quoted(string)
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
    /// The tree of one YAML node; scalars typed by YAML 1.1's rules as Yams resolves them
    /// (`yes`/`on` are booleans, quoted text is always a string).
    init(node: Node) {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue:
                self.init(.null, text: text, line: line)
            case Tag.Name.bool.rawValue:
                self.init(node.bool.map(Value.bool) ?? .string(text), text: text, line: line)
            case Tag.Name.int.rawValue:
                // Too large for Int: still a number, so that the range check can say so.
                self.init(node.int.map(Value.integer) ?? node.float.map(Value.number) ?? .string(text), text: text, line: line)
            case Tag.Name.float.rawValue:
                self.init(node.float.map(Value.number) ?? .string(text), text: text, line: line)
            default:
                self.init(.string(text), text: text, line: line)
            }
        case .sequence(let sequence):
            self.init(.list(sequence.map(SettingInput.init(node:))), line: line)
        case .mapping(let mapping):
            let entries = mapping.map { key, value in
                Entry(key: key.string ?? "\(key)", value: SettingInput(node: value))
            }
            self.init(.mapping(entries), line: line)
        case .alias(let alias):
            self.init(.string("*\(alias.anchor)"), text: "*\(alias.anchor)", line: line)
        }
    }

    /// Parses one YAML document; an empty document is an empty mapping.
    static func parse(yaml: String) throws(YAMLSyntaxError) -> SettingInput {
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return SettingInput(.mapping([])) }
            return SettingInput(node: node)
        } catch let error as YamlError {
            throw YAMLSyntaxError(error)
        } catch {
            throw YAMLSyntaxError(line: nil, column: nil, message: "\(error)")
        }
    }
}

/// A YAML text that does not parse, with the position Yams reported.
struct YAMLSyntaxError: Error {
    var line: Int?
    var column: Int?
    var message: String

    init(line: Int?, column: Int?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            self.init(line: mark.line, column: mark.column, message: problem + detail)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map(quoted).joined(separator: ", ")
            self.init(
                line: context.mark.line, column: context.mark.column,
                message: "the key \(keys) appears more than once in one mapping; keep one")
        case .reader(let problem, _, _, _):
            self.init(line: nil, column: nil, message: problem)
        default:
            self.init(line: nil, column: nil, message: "\(error)")
        }
    }

    /// `YAML syntax error at line 3, column 7: …`
    var problemMessage: String {
        var text = "YAML syntax error"
        if let line { text += " at line \(line)" + (column.map { ", column \($0)" } ?? "") }
        return text + ": " + message
    }
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
