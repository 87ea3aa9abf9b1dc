import JSONText
/// Range rules of single values: each returns what is wrong, in words that say what to write, or nil.
enum ValueRules {
    static func atLeast<T: FixedWidthInteger & Sendable>(_ minimum: T, _ meaning: String = "") -> @Sendable (T) -> String? {
        { value in value < minimum ? "must be at least \(minimum)\(meaning), got \(value)" : nil }
    }

    static func within<T: FixedWidthInteger & Sendable>(_ range: ClosedRange<T>, _ meaning: String = "") -> @Sendable (T) -> String? {
        { value in
            range.contains(value) ? nil : "must be from \(range.lowerBound) to \(range.upperBound)\(meaning), got \(value)"
        }
    }

    static func positive(_ meaning: String = "") -> @Sendable (Double) -> String? {
        { value in value.isFinite && value > 0 ? nil : "must be a positive number\(meaning), got \(JSONText.readableNumber(value))" }
    }

    static func zeroOrPositive(_ meaning: String = "") -> @Sendable (Double) -> String? {
        { value in
            value.isFinite && value >= 0 ? nil : "must be zero or a positive number\(meaning), got \(JSONText.readableNumber(value))"
        }
    }

    static func betweenZeroAndOne(inclusive: Bool, _ meaning: String = "") -> @Sendable (Double) -> String? {
        { value in
            let inside = inclusive ? (value >= 0 && value <= 1) : (value > 0 && value < 1)
            guard !inside else { return nil }
            let range = inclusive ? "from 0 to 1" : "strictly between 0 and 1"
            return "must be a number \(range)\(meaning), got \(JSONText.readableNumber(value))"
        }
    }

    /// (0, 1]: a score threshold, where 1 is the score's own maximum.
    static func aboveZeroAtMostOne(_ meaning: String = "") -> @Sendable (Double) -> String? {
        { value in value > 0 && value <= 1 ? nil : "must be a number above 0 and at most 1\(meaning), got \(JSONText.readableNumber(value))" }
    }

    /// Text that becomes one MQTT topic level or client id part: no `/`, `+`, `#` or NUL.
    static let topicLevel: @Sendable (String) -> String? = { value in
        value.contains(where: { "/+#\0".contains($0) })
            ? "must not contain /, + or # (it becomes one level of the MQTT topics), got \(quoted(value))" : nil
    }

    /// A topic prefix: any number of levels, but no wildcards.
    static let topicPrefix: @Sendable (String) -> String? = { value in
        value.contains(where: { "+#\0".contains($0) })
            ? "must not contain the wildcards + or # (it starts every output topic), got \(quoted(value))" : nil
    }

    static func nonEmpty(_ example: String) -> @Sendable (String) -> String? {
        { value in value.isEmpty ? "must not be empty; \(example)" : nil }
    }
}
