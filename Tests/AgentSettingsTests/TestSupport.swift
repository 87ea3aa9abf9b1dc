import Foundation
import Testing

@testable import AgentSettings

/// The repository's `config/hamlet.yaml`, found from this file's location.
func exampleConfigurationPath(_ file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/hamlet.yaml").path
}

/// The problems `parse` reports for `yaml`, or an empty list when it loads.
func problems(
    yaml: String, environment: [String: String] = [:], overrides: ConfigurationOverrides = ConfigurationOverrides()
) -> [ConfigurationProblem] {
    do {
        _ = try AgentConfigurationLoader.parse(yaml: yaml, sourceName: "test.yaml", environment: environment, overrides: overrides)
        return []
    } catch {
        return error.problems
    }
}

/// A fresh directory under the system temporary directory, removed by `body`'s end.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("agent-settings-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}
