import CLibYAML
import Glibc

/// Builds one YAML document's `SettingInput` tree straight from libyaml's event parser, in one
/// pass whose time and memory are linear in the text: anchors and aliases are refused when they
/// appear (a few hundred bytes of aliases of aliases, "billion laughs", would otherwise make
/// billions of values), values are counted against a budget, and a key met twice in one mapping
/// is named.
struct YAMLComposer {
    private enum Frame {
        case list([SettingInput], line: Int)
        case mapping([SettingInput.Entry], keys: Set<String>, pendingKey: String?, line: Int)
    }

    private var stack: [Frame] = []
    private var root: SettingInput?
    private var nodes = 0
    private var documents = 0
    private let maximumNodes: Int

    private init(maximumNodes: Int) { self.maximumNodes = maximumNodes }

    /// The document's tree; nil for a text with no document (empty, or comments only).
    static func compose(_ text: String, maximumNodes: Int) throws(YAMLSyntaxError) -> SettingInput? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(line: nil, column: nil, message: "libyaml could not start (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        var composer = YAMLComposer(maximumNodes: maximumNodes)
        var bytes = Array(text.utf8)
        let outcome: Result<SettingInput?, YAMLSyntaxError> = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return .failure(Self.parserError(parser)) }
                defer { yaml_event_delete(&event) }
                do throws(YAMLSyntaxError) {
                    if try composer.take(event) { return .success(composer.root) }
                } catch {
                    return .failure(error)
                }
            }
        }
        return try outcome.get()
    }

    /// Takes one event; true at the end of the stream.
    private mutating func take(_ event: yaml_event_t) throws(YAMLSyntaxError) -> Bool {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw YAMLSyntaxError(
                    line: line, column: column, message: "the file holds more than one YAML document (---); a configuration is one")
            }
        case YAML_ALIAS_EVENT:
            throw Self.anchorRefusal(line, column, event.data.alias.anchor)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            try count(anchor: scalar.anchor, line, column)
            let text = Self.string(scalar.value, length: scalar.length)
            let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            if case .mapping(_, _, nil, _)? = stack.last, case .mapping(let entries, var keys, _, let start) = stack.removeLast() {
                // A key is its text as written: `on:` is the key "on", not a boolean. Popped and
                // pushed again so that the set is not copied (linear in the keys, not quadratic).
                guard keys.insert(text).inserted else {
                    throw YAMLSyntaxError(
                        line: line, column: column, message: "the key \(quoted(text)) appears more than once in one mapping; keep one")
                }
                stack.append(.mapping(entries, keys: keys, pendingKey: text, line: start))
            } else {
                let tag = scalar.tag.map { Self.string($0) }
                try attach(YAMLScalar.resolve(text, plain: plain, tag: tag, line: line), line, column)
            }
        case YAML_SEQUENCE_START_EVENT:
            try count(anchor: event.data.sequence_start.anchor, line, column)
            try checkNotAKey(line, column)
            stack.append(.list([], line: line))
        case YAML_MAPPING_START_EVENT:
            try count(anchor: event.data.mapping_start.anchor, line, column)
            try checkNotAKey(line, column)
            stack.append(.mapping([], keys: [], pendingKey: nil, line: line))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            switch stack.removeLast() {
            case .list(let items, let start): try attach(SettingInput(.list(items), line: start), line, column)
            case .mapping(let entries, _, _, let start): try attach(SettingInput(.mapping(entries), line: start), line, column)
            }
        default:
            break
        }
        return false
    }

    private mutating func count(anchor: UnsafeMutablePointer<yaml_char_t>?, _ line: Int, _ column: Int) throws(YAMLSyntaxError) {
        if let anchor { throw Self.anchorRefusal(line, column, anchor) }
        nodes += 1
        if nodes > maximumNodes {
            throw YAMLSyntaxError(
                line: line, column: column,
                message: "the file holds more than \(maximumNodes) values; a configuration has a few hundred")
        }
    }

    /// A list or mapping where a mapping expects its next key.
    private func checkNotAKey(_ line: Int, _ column: Int) throws(YAMLSyntaxError) {
        if case .mapping(_, _, nil, _)? = stack.last {
            throw YAMLSyntaxError(line: line, column: column, message: "a key must be plain text, such as agent or id")
        }
    }

    private mutating func attach(_ node: SettingInput, _ line: Int, _ column: Int) throws(YAMLSyntaxError) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .list(var items, let start):
            items.append(node)
            stack.append(.list(items, line: start))
        case .mapping(var entries, let keys, let pendingKey, let start):
            // Keys are taken by `take` as scalars; a list or mapping as a key is refused there.
            entries.append(SettingInput.Entry(key: pendingKey ?? "", value: node))
            stack.append(.mapping(entries, keys: keys, pendingKey: nil, line: start))
        }
    }

    private static func anchorRefusal(_ line: Int, _ column: Int, _ anchor: UnsafeMutablePointer<yaml_char_t>?) -> YAMLSyntaxError {
        let name = anchor.map { string($0) } ?? "?"
        return YAMLSyntaxError(
            line: line, column: column,
            message: "anchors and aliases (&\(name), *\(name)) are not allowed in a configuration; write the value out where it is needed")
    }

    /// libyaml's problem, at its 1-based line and column, with its context as libyaml words it.
    private static func parserError(_ parser: yaml_parser_t) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "the text is not YAML"
        guard parser.error != YAML_READER_ERROR else {
            return YAMLSyntaxError(line: nil, column: nil, message: problem + " (at byte \(parser.problem_offset))")
        }
        let context = parser.context.map {
            " (\(String(cString: $0)) at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
        }
        return YAMLSyntaxError(
            line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1, message: problem + (context ?? ""))
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>, length: Int? = nil) -> String {
        let count = length ?? strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}
