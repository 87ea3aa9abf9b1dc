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

    /// `first`'s problem, or else the value must be at most `maximum`: an upper limit on a rule
    /// that says what the lower end means.
    static func upTo(_ maximum: Double, _ first: @escaping @Sendable (Double) -> String?) -> @Sendable (Double) -> String? {
        { value in
            first(value) ?? (value <= maximum ? nil : "must be at most \(JSONText.readableNumber(maximum)), got \(JSONText.readableNumber(value))")
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

    /// At most `maximumBytes` bytes of UTF-8, then `rule`: checked first, so that no later message
    /// repeats a huge value.
    static func length(
        atMost maximumBytes: Int, _ rule: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> @Sendable (String) -> String? {
        { value in
            value.utf8.count > maximumBytes
                ? "is \(value.utf8.count) bytes long; at most \(maximumBytes) are allowed" : rule(value)
        }
    }

    static func nonEmpty(_ example: String) -> @Sendable (String) -> String? {
        { value in value.isEmpty ? "must not be empty; \(example)" : nil }
    }

    /// ADWIN's confidence: strictly between 0 and 1, and not below 1e-12, where its cut threshold
    /// (a logarithm of 1/delta) stops meaning anything.
    static let adwinDelta: @Sendable (Double) -> String? = { value in
        betweenZeroAndOne(inclusive: false, ", such as 0.002")(value)
            ?? (value >= 1e-12 ? nil : "must be at least 1e-12, such as 0.002, got \(JSONText.readableNumber(value))")
    }

    /// 0 (unlimited), or at least one prediction in 1,000 s: a smaller positive rate would stop
    /// predictions for good.
    static let predictionRate: @Sendable (Double) -> String? = { value in
        if let problem = zeroOrPositive(" (0 = unlimited)")(value) { return problem }
        return value == 0 || (value >= 0.001 && value <= 1e6)
            ? nil : "must be 0 (unlimited) or from 0.001 to 1000000 per second, got \(JSONText.readableNumber(value))"
    }
}
