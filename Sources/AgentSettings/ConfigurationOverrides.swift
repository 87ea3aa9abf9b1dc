import JSONText
import DurableFiles
import FoundationEssentials

/// The control plane's changes to the configuration: a flat JSON object of key path → scalar,
/// such as `{"learning.beta": 0.01, "drift.cusum.threshold": 12}`, persisted in the state
/// directory and applied above the YAML file and the environment.
///
/// Keys are not checked here; `AgentConfigurationLoader.applying(_:to:)` checks them with the
/// values they set.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// The overrides by dotted key path.
    public var values: [String: OverrideValue]

    public init(_ values: [String: OverrideValue] = [:]) {
        self.values = values
    }

    /// Reads the JSON object in `text`; `sourceName` names it in problems.
    public init(jsonText text: String, sourceName: String) throws(ConfigurationErrors) {
        let problem = { (keyPath: String, message: String) in
            ConfigurationProblem(source: sourceName, keyPath: keyPath, message: message)
        }
        let members: [JSONMember]
        do {
            let parsed = try JSONParser.parse(Array(text.utf8), maximumDepth: 4)
            guard let object = parsed.members else {
                throw ConfigurationErrors(
                    problems: [
                        problem(
                            "", "must be one JSON object of \"key.path\": value, such as {\"learning.beta\": 0.01}; "
                                + "fix it or delete the file to drop every override")
                    ])
            }
            members = object
        } catch let error as JSONSyntaxError {
            throw ConfigurationErrors(
                problems: [
                    problem("", "is not valid JSON (\(error.message) at byte \(error.offset)); fix it or delete the file to drop every override")
                ])
        } catch let errors as ConfigurationErrors {
            throw errors
        } catch {
            throw ConfigurationErrors(problems: [problem("", "\(error)")])
        }
        var values: [String: OverrideValue] = [:]
        var problems: [ConfigurationProblem] = []
        for member in members.sorted(by: { $0.key < $1.key }) {
            if let value = Self.scalar(member.value) {
                values[member.key] = value
            } else {
                problems.append(problem(member.key, "must be a single value (a number, true/false or a string), not a list, object or null"))
            }
        }
        guard problems.isEmpty else { throw ConfigurationErrors(problems: problems) }
        self.values = values
    }

    /// A scalar as the overrides store it: a whole number (`3`, `1e3`) is an integer.
    private static func scalar(_ value: JSONValue) -> OverrideValue? {
        switch value {
        case .bool(let flag): return .boolean(flag)
        case .string(let text): return .string(text)
        case .number(let literal):
            if let whole = Int(literal) { return .integer(whole) }
            guard let number = Double(literal) else { return nil }
            if let whole = Int(exactly: number) { return .integer(whole) }
            return .number(number)
        case .null, .array, .object: return nil
        }
    }

    /// The overrides saved at `path`; a missing file means none. A file that is not a JSON object
    /// of scalars is reported, never half-applied.
    public static func load(path: String) throws(ConfigurationErrors) -> ConfigurationOverrides {
        let text: String?
        do {
            text = try TextFile.contents(of: path, maximumBytes: AgentConfigurationLoader.maximumFileBytes)
        } catch {
            throw ConfigurationErrors(problems: [ConfigurationProblem(source: path, keyPath: "", message: error.description)])
        }
        guard let text else { return ConfigurationOverrides() }
        return try ConfigurationOverrides(jsonText: text, sourceName: path)
    }

    /// These overrides with `keyPath` set to `value`.
    public func setting(_ keyPath: String, to value: OverrideValue) -> ConfigurationOverrides {
        var copy = self
        copy.values[keyPath] = value
        return copy
    }

    /// These overrides without `keyPath`, which falls back to the file, environment or default.
    public func removingSetting(_ keyPath: String) -> ConfigurationOverrides {
        var copy = self
        copy.values[keyPath] = nil
        return copy
    }

    /// These overrides with every one of `other` set on top.
    public func merging(_ other: ConfigurationOverrides) -> ConfigurationOverrides {
        ConfigurationOverrides(values.merging(other.values) { _, new in new })
    }

    /// The JSON object, one key per line in key order, so that saved files diff well.
    public var jsonText: String {
        let lines = values.keys.sorted().map { key in "  " + JSONValue.string(key).text + ": " + values[key]!.description }
        return lines.isEmpty ? "{}\n" : "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// Writes `jsonText` to `path` atomically: a crash leaves the old file or the new one, whole.
    public func save(path: String) throws(FileOperationError) {
        try TextFile.replaceAtomically(path, with: jsonText)
    }
}
