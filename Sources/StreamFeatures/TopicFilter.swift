/// An MQTT topic filter (`a/+/c`, `a/#`, `#`) matched by the MQTT 3.1.1/5 rules.
///
/// `+` matches one whole level, `#` (last level only) that level's parent and everything below;
/// wildcards at the first level do not match topics starting with `$` (such as `$SYS/...`).
/// Matching allocates nothing; any thread.
public struct TopicFilter: Sendable, Hashable, CustomStringConvertible {
    enum Level: Sendable, Hashable {
        case exact([UInt8])
        case single
        case multi
    }

    public let description: String
    let levels: [Level]

    /// A filter, or a message saying why the text is not a valid MQTT topic filter.
    public init(_ filter: String) throws(TopicFilterError) {
        guard !filter.isEmpty else { throw .empty }
        guard !filter.utf8.contains(0) else { throw .containsNull(filter) }
        let parts = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var levels: [Level] = []
        for (index, part) in parts.enumerated() {
            if part.elementsEqual("#".utf8) {
                guard index == parts.count - 1 else { throw .multiLevelNotLast(filter) }
                levels.append(.multi)
            } else if part.elementsEqual("+".utf8) {
                levels.append(.single)
            } else if part.contains(UInt8(ascii: "#")) || part.contains(UInt8(ascii: "+")) {
                throw .wildcardInsideLevel(filter)
            } else {
                levels.append(.exact(Array(part)))
            }
        }
        self.description = filter
        self.levels = levels
    }

    /// Whether this filter contains `+` or `#`.
    public var hasWildcards: Bool { levels.contains { $0 == .single || $0 == .multi } }

    /// Whether a message published on `topic` is delivered to this filter; topic names holding
    /// wildcards or NUL are never matched.
    public func matches(_ topic: String) -> Bool {
        var topic = topic
        return topic.withUTF8 { bytes in matches(bytes) }
    }

    private func matches(_ topic: UnsafeBufferPointer<UInt8>) -> Bool {
        if topic.isEmpty { return false }
        for byte in topic where byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#") || byte == 0 { return false }
        var start = 0
        for (index, level) in levels.enumerated() {
            // `start` is the first byte of the topic's next level, or past the end if none remain.
            let remains = start <= topic.count
            if case .multi = level {
                if index == 0 && topic[0] == UInt8(ascii: "$") { return false }
                return true
            }
            guard remains else { return false }
            var end = start
            while end < topic.count && topic[end] != UInt8(ascii: "/") { end += 1 }
            switch level {
            case .single:
                if index == 0 && topic[0] == UInt8(ascii: "$") { return false }
            case .exact(let text):
                guard text.count == end - start, text.withUnsafeBufferPointer({ $0.elementsEqual(topic[start..<end]) })
                else { return false }
            case .multi:
                break
            }
            start = end + 1
        }
        return start > topic.count
    }
}

/// Why a string is not a valid MQTT topic filter.
public enum TopicFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case containsNull(String)
    case multiLevelNotLast(String)
    case wildcardInsideLevel(String)

    public var description: String {
        switch self {
        case .empty: "topic filter is empty; expected at least one character, such as \"sensors/#\""
        case .containsNull(let filter): "topic filter \(quoted(filter)) contains a NUL character; remove it"
        case .multiLevelNotLast(let filter):
            "topic filter \(quoted(filter)) has '#' before its last level; '#' may only be the whole last level (\"a/#\")"
        case .wildcardInsideLevel(let filter):
            "topic filter \(quoted(filter)) has '+' or '#' inside a level; a wildcard must be a whole level (\"a/+/c\")"
        }
    }
}
