import JSONText
/// Something wrong with one setting's value; `suffix` points inside it (`[2].topic`).
struct SettingProblem: Sendable {
    var suffix: String
    var line: Int?
    var message: String

    init(suffix: String = "", line: Int? = nil, _ message: String) {
        (self.suffix, self.line, self.message) = (suffix, line, message)
    }
}

/// Why a value could not be read: one problem, or one per bad item of a list.
struct SettingProblems: Error, Sendable {
    var problems: [SettingProblem]

    init(_ problems: [SettingProblem]) { self.problems = problems }

    init(line: Int?, _ message: String) { self.problems = [SettingProblem(line: line, message)] }
}

/// One YAML key: how a layer's value is read into an `AgentConfiguration`, which values are in
/// range, and how the effective value is shown. `SettingsSchema.all` lists every one.
struct Setting: Sendable {
    /// The dotted YAML key path, such as `drift.cusum.threshold`.
    let path: String
    /// Reads a value into the configuration, or says why it cannot (leaving the configuration as it was).
    let read: @Sendable (SettingInput, inout AgentConfiguration) -> [SettingProblem]
    /// Range problems of the effective value; rules across settings live in `CrossSettingRules`.
    let check: @Sendable (AgentConfiguration) -> [SettingProblem]
    /// The effective value, for `effectiveSettings`.
    let effectiveValue: @Sendable (AgentConfiguration) -> JSONValue
    /// Copies this setting's value from the first configuration into the second (for a reload).
    let copy: @Sendable (AgentConfiguration, inout AgentConfiguration) -> Void

    /// A setting of type `T` read by `decode` and range-checked by `check`.
    static func value<T: Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, T> & Sendable,
        decode: @escaping @Sendable (SettingInput) -> Result<T, SettingProblems>,
        check: @escaping @Sendable (T) -> [SettingProblem] = { _ in [] },
        json: @escaping @Sendable (T) -> JSONValue
    ) -> Setting {
        Setting(
            path: path,
            read: { input, configuration in
                switch decode(input) {
                case .success(let value):
                    configuration[keyPath: keyPath] = value
                    return []
                case .failure(let failure):
                    return failure.problems
                }
            },
            check: { configuration in check(configuration[keyPath: keyPath]) },
            effectiveValue: { configuration in json(configuration[keyPath: keyPath]) },
            copy: { source, target in target[keyPath: keyPath] = source[keyPath: keyPath] })
    }

    /// A setting of type `T` whose `rule` returns what is wrong with a value, or nil.
    static func value<T: Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, T> & Sendable,
        decode: @escaping @Sendable (SettingInput) -> Result<T, SettingProblems>,
        rule: @escaping @Sendable (T) -> String?,
        json: @escaping @Sendable (T) -> JSONValue
    ) -> Setting {
        value(path, keyPath, decode: decode, check: { rule($0).map { [SettingProblem($0)] } ?? [] }, json: json)
    }

    /// Text of at most `maximumBytes` (a path's limit, 4096, unless said), then `rule`.
    static func text(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, String> & Sendable, maximumBytes: Int = 4096,
        rule: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> Setting {
        value(path, keyPath, decode: SettingDecoding.text, rule: ValueRules.length(atMost: maximumBytes, rule), json: JSONValue.string)
    }

    static func flag(_ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, Bool> & Sendable) -> Setting {
        value(path, keyPath, decode: SettingDecoding.bool, json: JSONValue.bool)
    }

    static func integer<T: FixedWidthInteger & Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, T> & Sendable,
        rule: @escaping @Sendable (T) -> String? = { _ in nil }
    ) -> Setting {
        value(path, keyPath, decode: SettingDecoding.integer, rule: rule, json: JSONValue.integer)
    }

    /// A list of at most `maximumCount` integers, each in `range` (`what` names one in the message).
    static func integers(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, [Int]> & Sendable, maximumCount: Int,
        each range: ClosedRange<Int>, what: String
    ) -> Setting {
        value(
            path, keyPath, decode: { SettingDecoding.list($0, maximumCount: maximumCount, item: SettingDecoding.integer) },
            check: { values in
                values.enumerated().compactMap { index, value in
                    range.contains(value)
                        ? nil : SettingProblem(suffix: "[\(index)]", "\(what) must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
                }
            },
            json: { .array($0.map(JSONValue.integer)) })
    }

    static func number(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, Double> & Sendable,
        rule: @escaping @Sendable (Double) -> String?
    ) -> Setting {
        value(path, keyPath, decode: SettingDecoding.number, rule: rule, json: JSONValue.double)
    }

    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<AgentConfiguration, E> & Sendable
    ) -> Setting where E.RawValue == String {
        value(path, keyPath, decode: SettingDecoding.choice, json: { .string($0.rawValue) })
    }
}
