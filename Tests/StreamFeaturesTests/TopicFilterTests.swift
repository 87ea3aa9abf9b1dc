import StreamFeatures
import Testing

/// MQTT wildcard matching, including the `$`-topic rule, and filter validation.
@Suite struct TopicFilterTests {
    static let table: [(String, String, Bool)] = [
        ("a/b/c", "a/b/c", true), ("a/b/c", "a/b", false), ("a/b", "a/b/c", false), ("a/b/c", "a/B/c", false),
        ("a/+/c", "a/b/c", true), ("a/+/c", "a//c", true), ("a/+/c", "a/b/d", false), ("a/+/c", "a/b/x/c", false),
        ("a/#", "a", true), ("a/#", "a/b", true), ("a/#", "a/b/c", true), ("a/#", "ab", false), ("a/#", "b/a", false),
        ("#", "a", true), ("#", "a/b/c", true), ("#", "/", true), ("#", "$SYS/broker/load", false), ("#", "$SYS", false),
        ("+", "a", true), ("+", "a/b", false), ("+", "/", false), ("+", "$SYS", false), ("+/+", "/", true),
        ("+/#", "$SYS/x", false), ("$SYS/#", "$SYS/broker/load", true), ("$SYS/+/load", "$SYS/broker/load", true),
        ("/a", "/a", true), ("/a", "a", false), ("+/a", "/a", true), ("a/+", "a/", true),
        ("a/+", "a/+", false), ("#", "a/#", false),  // topic names never hold wildcards
    ]

    @Test("matching table", arguments: table)
    func matching(filter: String, topic: String, expected: Bool) throws {
        #expect(try TopicFilter(filter).matches(topic) == expected)
    }

    @Test("invalid filters are rejected with a reason")
    func invalid() throws {
        #expect(throws: TopicFilterError.empty) { try TopicFilter("") }
        #expect(throws: TopicFilterError.multiLevelNotLast("a/#/b")) { try TopicFilter("a/#/b") }
        #expect(throws: TopicFilterError.wildcardInsideLevel("a/b+")) { try TopicFilter("a/b+") }
        #expect(throws: TopicFilterError.wildcardInsideLevel("a#")) { try TopicFilter("a#") }
        #expect(try TopicFilter("a/+/#").hasWildcards)
        #expect(try !TopicFilter("a/b").hasWildcards)
    }
}
