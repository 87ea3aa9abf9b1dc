// Yams's own libyaml module (not a product of Yams, but built with it): the event parser is not in Yams's API.
import CYaml

/// A first pass over YAML text with libyaml's event parser, before anything is built from it:
/// refuses anchors and aliases and counts the values, in time and memory linear in the text.
///
/// Composing a tree first would be too late: Yams composes an alias as its anchored node, and
/// checking a mapping's keys for duplicates hashes each key whole, so a few hundred bytes of
/// aliases of aliases ("billion laughs") cost minutes and gigabytes there.
enum YAMLEventScan {
    /// Nil when the text has no anchor, no alias and at most `maximumNodes` values; else why not.
    /// Syntax errors are left to the composer, which words them with their context.
    static func problem(in text: String, maximumNodes: Int) -> YAMLSyntaxError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> YAMLSyntaxError? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var nodes = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_ALIAS_EVENT:
                    return refusal(line, column, anchor: event.data.alias.anchor)
                case YAML_SCALAR_EVENT, YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor =
                        event.type == YAML_SCALAR_EVENT ? event.data.scalar.anchor
                        : event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    if anchor != nil { return refusal(line, column, anchor: anchor) }
                    nodes += 1
                    if nodes > maximumNodes {
                        return YAMLSyntaxError(
                            line: line, column: column,
                            message: "the file holds more than \(maximumNodes) values; a configuration has a few hundred")
                    }
                default:
                    break
                }
            }
        }
    }

    private static func refusal(_ line: Int, _ column: Int, anchor: UnsafeMutablePointer<yaml_char_t>?) -> YAMLSyntaxError {
        let name = anchor.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? "?"
        return YAMLSyntaxError(
            line: line, column: column,
            message: "anchors and aliases (&\(name), *\(name)) are not allowed in a configuration; write the value out where it is needed")
    }
}
