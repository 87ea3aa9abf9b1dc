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

    /// The tree of one YAML node; scalars typed by YAML 1.1's rules as Yams resolves them
    /// (`yes`/`on` are booleans, quoted text is always a string). Anchors (and so aliases) are
    /// refused: a configuration needs none, and aliases of aliases ("billion laughs") make
    /// billions of values out of a few hundred bytes. `budget` counts down the nodes left.
    init(node: Node, budget: inout Int) throws(YAMLSyntaxError) {
        let line = node.mark?.line
        if let anchor = node.anchor {
            throw YAMLSyntaxError(
                line: line, column: node.mark?.column,
                message: "anchors and aliases (&\(anchor.rawValue), *\(anchor.rawValue)) are not allowed in a configuration; "
                    + "write the value out where it is needed")
        }
        budget -= 1
        guard budget >= 0 else {
            throw YAMLSyntaxError(
                line: line, column: node.mark?.column,
                message: "the file holds more than \(Self.maximumNodes) values; a configuration has a few hundred")
        }
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
            var items: [SettingInput] = []
            for item in sequence { items.append(try SettingInput(node: item, budget: &budget)) }
            self.init(.list(items), line: line)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                // A key is text; an anchored one would be printed whole in a message.
                if key.anchor != nil || key.scalar == nil {
                    throw YAMLSyntaxError(
                        line: key.mark?.line, column: key.mark?.column, message: "a key must be plain text, such as agent or id")
                }
                entries.append(Entry(key: key.string ?? "\(key)", value: try SettingInput(node: value, budget: &budget)))
            }
            self.init(.mapping(entries), line: line)
        case .alias(let alias):
            throw YAMLSyntaxError(
                line: line, column: node.mark?.column,
                message: "aliases (*\(alias.anchor.rawValue)) are not allowed in a configuration; write the value out where it is needed")
        }
    }

    /// Parses one YAML document; an empty document is an empty mapping.
    static func parse(yaml: String) throws(YAMLSyntaxError) -> SettingInput {
        if let problem = YAMLEventScan.problem(in: yaml, maximumNodes: maximumNodes) { throw problem }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw YAMLSyntaxError(error)
        } catch {
            throw YAMLSyntaxError(line: nil, column: nil, message: "\(error)")
        }
        guard let node else { return SettingInput(.mapping([])) }
        var budget = maximumNodes
        return try SettingInput(node: node, budget: &budget)
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
