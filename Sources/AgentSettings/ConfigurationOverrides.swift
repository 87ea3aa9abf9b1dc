import JSONText
import DurableFiles
import Foundation

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
        let decoded: [String: ProbedValue]
        do {
            decoded = try JSONDecoder().decode([String: ProbedValue].self, from: Data(text.utf8))
        } catch DecodingError.dataCorrupted {
            let detail = Self.syntaxDetail(of: text)
            throw ConfigurationErrors(
                problems: [problem("", "is not valid JSON (\(detail)); fix it or delete the file to drop every override")])
        } catch {
            throw ConfigurationErrors(
                problems: [
                    problem(
                        "", "must be one JSON object of \"key.path\": value, such as {\"learning.beta\": 0.01}; "
                            + "fix it or delete the file to drop every override")
                ])
        }
        var values: [String: OverrideValue] = [:]
        var problems: [ConfigurationProblem] = []
        for (key, value) in decoded.sorted(by: { $0.key < $1.key }) {
            if let value = value.scalar {
                values[key] = value
            } else {
                problems.append(problem(key, "must be a single value (a number, true/false or a string), not a list, object or null"))
            }
        }
        guard problems.isEmpty else { throw ConfigurationErrors(problems: problems) }
        self.values = values
    }

    /// Where the JSON parser stopped ("Invalid value around character 8."): JSONDecoder's own error
    /// on Linux says only that the data is not valid JSON.
    private static func syntaxDetail(of text: String) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return "not a JSON object"
        } catch {
            return ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        }
    }

    /// The overrides saved at `path`; a missing file means none. A file that is not a JSON object
    /// of scalars is reported, never half-applied.
    public static func load(path: String) throws(ConfigurationErrors) -> ConfigurationOverrides {
        let text: String?
        do {
            text = try TextFile.contents(of: path)
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

/// A JSON value as decoded: a scalar, or something the overrides file may not hold.
private struct ProbedValue: Decodable {
    let scalar: OverrideValue?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Bool first: the decoder refuses to read true as a number or 1 as a Bool.
        if let value = try? container.decode(Bool.self) {
            scalar = .boolean(value)
        } else if let value = try? container.decode(Int.self) {
            scalar = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            scalar = .number(value)
        } else if let value = try? container.decode(String.self) {
            scalar = .string(value)
        } else {
            scalar = nil
        }
    }
}
