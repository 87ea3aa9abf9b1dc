import Foundation
import Testing

@testable import AgentSettings

/// The limits of the configuration reader (issue 16): the file's size, YAML anchors and aliases,
/// the number of values, list lengths, text lengths and the number of problems listed.
@Suite struct BoundedParsingTests {
    @Test("an anchor or an alias anywhere is refused before anything is built, with its line")
    func aliases() {
        for yaml in [
            "agent: &a {id: x}\n", "mqtt: {host: &h broker}\nagent: {id: *h}\n", "? *k\n: 1\n",
            "model: {hidden_layers: &l [8, 8]}\n",
        ] {
            let found = problems(yaml: yaml)
            #expect(found.count == 1, "\(yaml): \(found)")
            #expect(found.first?.message.contains("are not allowed in a configuration") == true, "\(found)")
            #expect(found.first?.line != nil)
        }
    }

    @Test("more values than a configuration could need are refused")
    func tooManyValues() {
        let yaml = "model:\n  hidden_layers: [" + Array(repeating: "1", count: SettingInput.maximumNodes + 1).joined(separator: ",") + "]\n"
        let found = problems(yaml: yaml)
        #expect(found.count == 1 && found[0].message.contains("more than 100000 values"), "\(found.prefix(2))")
    }

    @Test("lists have schema limits, checked before their items are read", arguments: [
        ("source.mqtt.sensors", 1024), ("model.hidden_layers", 64), ("drift.detectors", 4),
    ])
    func listLimits(key: String, limit: Int) {
        let item = key == "source.mqtt.sensors" ? "{topic: a}" : key == "drift.detectors" ? "cusum" : "8"
        let parts = key.split(separator: ".")
        let list = "[" + Array(repeating: item, count: limit + 1).joined(separator: ", ") + "]"
        let yaml = parts.dropLast().enumerated().map { String(repeating: "  ", count: $0.offset) + $0.element + ":" }
            .joined(separator: "\n") + "\n" + String(repeating: "  ", count: parts.count - 1) + parts.last! + ": " + list + "\n"
        let found = problems(yaml: yaml)
        #expect(found.map(\.keyPath) == [key], "\(found)")
        #expect(found.first?.message == "has \(limit + 1) items; at most \(limit) are allowed", "\(found)")
    }

    @Test("texts have schema limits, and a message never repeats a huge value")
    func textLimits() {
        let long = String(repeating: "x", count: 100_000)
        for (key, limit) in [("agent.id", 256), ("mqtt.host", 253), ("mqtt.topic_prefix", 1024), ("agent.state_directory", 4096)] {
            let parts = key.split(separator: ".")
            let found = problems(yaml: "\(parts[0]):\n  \(parts[1]): \(long)\n")
            #expect(found.map(\.keyPath) == [key], "\(found)")
            #expect(found.first?.message == "is 100000 bytes long; at most \(limit) are allowed")
        }
        let wrongType = problems(yaml: "model:\n  state_size: \(long)\n")
        #expect(wrongType.first.map { $0.message.utf8.count < 200 } == true, "\(wrongType)")
        let sensor = problems(yaml: "source:\n  mqtt:\n    sensors: [{topic: \(long)}]\n")
        #expect(sensor.first?.message == "is 100000 bytes long; at most 1024 are allowed", "\(sensor)")
    }

    @Test("sizes that would exhaust memory at start are refused with their range")
    func sizeLimits() {
        let found = problems(yaml: "model: {state_size: 1000000000, hidden_size: 100000}\naudio: {mel_bands: 100000}\n")
        #expect(found.map(\.keyPath) == ["audio.mel_bands", "model.state_size", "model.hidden_size"], "\(found)")
        #expect(found.contains { $0.message == "must be from 1 to 4096, got 1000000000" })
    }

    @Test("a file of thousands of mistakes lists the first hundred and counts the rest")
    func problemsAreCapped() {
        let yaml = "agent:\n" + (0..<5_000).map { "  unknown_\($0): 1\n" }.joined()
        let found = problems(yaml: yaml)
        #expect(found.count == ConfigurationBuilder.maximumProblems + 1)
        #expect(found.last?.message == "and 4900 more problems not listed; fix these first")
    }

    @Test("the file is read to at most its cap: /dev/zero and a file one byte over fail at once, naming the limit")
    func sizeCap() throws {
        for path in ["/dev/zero"] {
            #expect(throws: ConfigurationErrors.self) { try AgentConfigurationLoader.load(path: path, environment: [:], overridesPath: nil) }
        }
        try withTemporaryDirectory { directory in
            let atCap = directory + "/at-cap.yaml"
            let comment = "# " + String(repeating: "x", count: AgentConfigurationLoader.maximumFileBytes - 3) + "\n"
            try write(comment, to: atCap)
            #expect(throws: Never.self) { try AgentConfigurationLoader.load(path: atCap, environment: [:], overridesPath: nil) }
            let over = directory + "/over.yaml"
            try write(comment + "\n", to: over)
            do {
                _ = try AgentConfigurationLoader.load(path: over, environment: [:], overridesPath: nil)
                Issue.record("a file over the cap was read")
            } catch {
                #expect((error as? ConfigurationErrors)?.problems.map(\.message) == [
                    "is larger than 1 MiB (1048576 bytes), the limit for a configuration file; a complete configuration "
                        + "(config/hamlet.yaml) is about 10 kB: is this the right file?"
                ])
            }
        }
    }
}
