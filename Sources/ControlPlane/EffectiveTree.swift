import JSONText

/// Dotted key paths and their values as nested JSON objects with sorted keys.
struct EffectiveTree {
    private indirect enum Node {
        case leaf(ControlValue)
        case branch([String: Node])
    }

    private var root: [String: Node] = [:]

    init(_ values: [String: ControlValue]) {
        // Sorted, so that `a` comes before `a.b` and the nested value consistently wins.
        for (path, value) in values.sorted(by: { $0.key < $1.key }) {
            Self.insert(
                value, at: path.split(separator: ".", omittingEmptySubsequences: false).map(String.init), into: &root)
        }
    }

    private static func insert(_ value: ControlValue, at path: [String], into nodes: inout [String: Node]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            if case .branch = nodes[first] { return }
            nodes[first] = .leaf(value)
            return
        }
        var children: [String: Node] = [:]
        if case .branch(let existing) = nodes[first] { children = existing }
        insert(value, at: Array(path.dropFirst()), into: &children)
        nodes[first] = .branch(children)
    }

    func write(to output: inout String) {
        Self.write(root, to: &output)
    }

    private static func write(_ nodes: [String: Node], to output: inout String) {
        JSONText.writeObject(nodes.keys.sorted(), to: &output, key: { $0 }) { key, output in
            switch nodes[key]! {
            case .leaf(let value): output += value.jsonText
            case .branch(let children): write(children, to: &output)
            }
        }
    }
}
