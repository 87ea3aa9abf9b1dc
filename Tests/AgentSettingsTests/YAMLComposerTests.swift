import Testing

@testable import AgentSettings

/// The configuration reader's YAML, composed from libyaml's events: scalars typed as YAML 1.1 (the
/// rules Yams's default resolver applied before, which existing configurations rely on), the tree's
/// order and lines, and what it refuses.
@Suite struct YAMLComposerTests {
    private func value(_ scalar: String) throws -> SettingInput.Value {
        let tree = try SettingInput.parse(yaml: "v: \(scalar)\n")
        guard case .mapping(let entries) = tree.value, let first = entries.first else {
            Issue.record("no mapping for \(scalar)")
            return .null
        }
        return first.value.value
    }

    @Test("plain scalars: YAML 1.1 booleans, integers in four radixes, numbers, null; the rest text")
    func implicitTypes() throws {
        for text in ["yes", "Yes", "YES", "on", "On", "true", "True", "TRUE"] {
            guard case .bool(true) = try value(text) else { Issue.record("\(text) is not true"); continue }
        }
        for text in ["no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"] {
            guard case .bool(false) = try value(text) else { Issue.record("\(text) is not false"); continue }
        }
        let integers: [(String, Int)] = [
            ("0", 0), ("12", 12), ("-3", -3), ("+4", 4), ("1_000", 1_000), ("0x1F", 31), ("-0x10", -16), ("0o17", 15), ("017", 15),
            ("0b101", 5), ("-0b11", -3),
        ]
        for (text, expected) in integers {
            guard case .integer(let got) = try value(text), got == expected else {
                Issue.record("\(text): \(try value(text)), expected the integer \(expected)")
                continue
            }
        }
        let numbers: [(String, Double)] = [
            ("1.5", 1.5), ("1e-3", 0.001), ("1e3", 1_000), ("2.5E+2", 250), (".5", 0.5), ("3.", 3), ("-0.25", -0.25), ("09", 9),
            ("1_000.5", 1_000.5), (".inf", .infinity), ("-.Inf", -.infinity), ("+.INF", .infinity),
            ("99999999999999999999", 1e20),
        ]
        for (text, expected) in numbers {
            guard case .number(let got) = try value(text), got == expected else {
                Issue.record("\(text): \(try value(text)), expected the number \(expected)")
                continue
            }
        }
        guard case .number(let nan) = try value(".nan"), nan.isNaN else { Issue.record(".nan is not NaN"); return }
        for text in ["", "~", "null", "Null", "NULL"] {
            guard case .null = try value(text) else { Issue.record("'\(text)' is not null"); continue }
        }
        for text in ["abc", "1:30", "0x", "1e", "+.5", "1.2.3", "yes please", "0b2", "08x", ".e3", "_1", "nulls", "y", "n"] {
            guard case .string(let got) = try value(text), got == text else {
                Issue.record("\(text): \(try value(text)), expected the text itself")
                continue
            }
        }
    }

    @Test("quoted and block scalars are text; explicit tags decide")
    func quotedAndTagged() throws {
        for (scalar, text) in [("'12'", "12"), ("\"yes\"", "yes"), ("\"\"", ""), ("'~'", "~"), ("!!str 12", "12"), ("! on", "on")] {
            guard case .string(let got) = try value(scalar), got == text else {
                Issue.record("\(scalar): \(try value(scalar)), expected the text \(text)")
                continue
            }
        }
        guard case .number(3) = try value("!!float 3") else { Issue.record("!!float 3: \(try value("!!float 3"))"); return }
        guard case .integer(7) = try value("!!int 7") else { Issue.record("!!int 7: \(try value("!!int 7"))"); return }
        guard case .null = try value("!!null x") else { Issue.record("!!null x: \(try value("!!null x"))"); return }
        let block = try SettingInput.parse(yaml: "v: |\n  12\n")
        guard case .mapping(let entries) = block.value, case .string("12\n") = entries.first?.value.value else {
            Issue.record("a literal block is not text: \(block.value)")
            return
        }
    }

    @Test("mappings keep their order and every node its line; keys are their text as written")
    func treeShape() throws {
        let tree = try SettingInput.parse(yaml: "# comment\nb: 1\na:\n  on: [1, x]\n  n: {k: v}\n")
        guard case .mapping(let top) = tree.value else { Issue.record("\(tree.value)"); return }
        #expect(top.map(\.key) == ["b", "a"])
        #expect(top[0].value.line == 2)
        guard case .mapping(let inner) = top[1].value.value else { Issue.record("\(top[1].value.value)"); return }
        #expect(inner.map(\.key) == ["on", "n"])
        guard case .list(let items) = inner[0].value.value else { Issue.record("\(inner[0].value.value)"); return }
        #expect(items.count == 2)
        #expect(items[1].line == 4)
        guard case .integer(1) = items[0].value, case .string("x") = items[1].value else { Issue.record("\(items)"); return }
        #expect(inner[0].value.line == 4)
        for empty in ["", "# only a comment\n"] {
            guard case .mapping(let entries) = try SettingInput.parse(yaml: empty).value, entries.isEmpty else {
                Issue.record("'\(empty)' is not an empty mapping")
                continue
            }
        }
    }

    @Test("refused: a key twice, a list or mapping as a key, two documents, a syntax error; each with its line")
    func refusals() {
        let cases: [(String, Int, String)] = [
            ("learning:\n  beta: 1\n  beta: 2\n", 3, "the key \"beta\" appears more than once in one mapping; keep one"),
            ("[a]: 1\n", 1, "a key must be plain text"),
            ("{a: 1}: 2\n", 1, "a key must be plain text"),
            ("a: 1\n---\nb: 2\n", 2, "more than one YAML document"),
            ("learning:\n  beta: [\n", 3, "did not find expected node content"),
            ("a: 'open\n", 2, "found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)"),
        ]
        for (yaml, line, fragment) in cases {
            do {
                let tree = try SettingInput.parse(yaml: yaml)
                Issue.record("\(yaml) was accepted: \(tree.value)")
            } catch {
                #expect(error.line == line, "\(yaml): \(error.problemMessage)")
                #expect(error.message.contains(fragment), "\(yaml): \(error.problemMessage)")
            }
        }
    }

    @Test("a mapping of 40,000 keys keeps every key once, in order")
    func manyKeys() throws {
        let yaml = (0..<40_000).map { "k\($0): \($0)" }.joined(separator: "\n")
        let tree = try SettingInput.parse(yaml: yaml)
        guard case .mapping(let entries) = tree.value else { Issue.record("\(tree.value)"); return }
        #expect(entries.count == 40_000)
        #expect(entries.last?.key == "k39999")
    }
}
