import DurableFiles
import Foundation
import Testing

@testable import AgentSettings

@Suite("The control plane's overrides file")
struct OverridesTests {
    @Test("overrides sit above the file and the environment")
    func layering() throws {
        try withTemporaryDirectory { directory in
            let yamlPath = directory + "/hamlet.yaml"
            let overridesPath = directory + "/settings-overrides.json"
            try write("learning:\n  beta: 0.1\n  eta: 0.2\ndrift:\n  cusum:\n    threshold: 5\n", to: yamlPath)
            try write(#"{"learning.beta": 0.01, "drift.cusum.threshold": 12, "outputs.prediction_every": 10}"#, to: overridesPath)
            let loaded = try AgentConfigurationLoader.load(
                path: yamlPath, environment: ["HAMLET_LEARNING__BETA": "0.05", "HAMLET_LEARNING__ETA": "0.3"],
                overridesPath: overridesPath)
            #expect(loaded.learning.beta == 0.01)
            #expect(loaded.learning.eta == 0.3)
            #expect(loaded.drift.cusum.threshold == 12)
            #expect(loaded.outputs.predictionEvery == 10)
        }
    }

    @Test("a missing overrides file means no overrides")
    func missingFile() throws {
        try withTemporaryDirectory { directory in
            #expect(try ConfigurationOverrides.load(path: directory + "/none.json") == ConfigurationOverrides())
            let loaded = try AgentConfigurationLoader.load(path: nil, environment: [:], overridesPath: directory + "/none.json")
            #expect(loaded == AgentConfiguration())
        }
    }

    @Test("a corrupt overrides file is a problem, not a crash", arguments: [
        "{\"learning.beta\": 0.01,", "[1, 2]", "", "{\"learning.beta\": [0.01]}", "\u{0}\u{1}binary",
    ])
    func corruptFile(_ text: String) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/settings-overrides.json"
            try write(text, to: path)
            do throws(ConfigurationErrors) {
                _ = try AgentConfigurationLoader.load(path: nil, environment: [:], overridesPath: path)
                Issue.record("a corrupt overrides file loaded")
            } catch {
                #expect(error.problems.count == 1)
                #expect(error.problems.first?.source == path)
            }
        }
    }

    @Test("save writes sorted JSON atomically and load reads it back")
    func saveAndLoad() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/settings-overrides.json"
            let overrides = ConfigurationOverrides()
                .setting("learning.beta", to: 0.01)
                .setting("drift.cusum.threshold", to: 12)
                .setting("model.gradient_mode", to: "costate")
                .setting("outputs.stdout", to: true)
            try overrides.save(path: path)
            #expect(
                try String(contentsOfFile: path, encoding: .utf8) == """
                    {
                      "drift.cusum.threshold": 12,
                      "learning.beta": 0.01,
                      "model.gradient_mode": "costate",
                      "outputs.stdout": true
                    }

                    """)
            #expect(try ConfigurationOverrides.load(path: path) == overrides)

            // Replacing leaves exactly one file: no temporary is left behind.
            try overrides.removingSetting("outputs.stdout").save(path: path)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["settings-overrides.json"])
            #expect(try ConfigurationOverrides.load(path: path).values["outputs.stdout"] == nil)
        }
    }

    @Test("saving into a missing directory fails with the step and path")
    func saveFailure() throws {
        do {
            try ConfigurationOverrides(["learning.beta": 0.1]).save(path: "/nonexistent-dir/settings-overrides.json")
            Issue.record("saved into a missing directory")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.hasPrefix("creating temporary file \"/nonexistent-dir/."))
        }
    }

    @Test("a proposed change is validated against the base and gives the new configuration")
    func applyingValid() throws {
        let base = try AgentConfigurationLoader.parse(yaml: "learning:\n  beta: 0.1\n", sourceName: "t.yaml")
        let proposed = ConfigurationOverrides(["learning.beta": 0.02, "drift.adwin.delta": 0.01, "outputs.prediction_max_rate_hz": 5])
        let applied = try AgentConfigurationLoader.applying(proposed, to: base)
        #expect(applied.learning.beta == 0.02)
        #expect(applied.drift.adwin.delta == 0.01)
        #expect(applied.outputs.predictionMaxRateHz == 5)
        #expect(try AgentConfigurationLoader.applying(proposed, to: applied) == applied)
    }

    @Test("a bad proposed change reports every problem and changes nothing")
    func applyingInvalid() throws {
        let proposed = ConfigurationOverrides([
            "learning.beta": -0.5, "learning.betta": 1, "drift.anomaly.threshold": 1.5, "model.gradient_mode": "adjoint",
            "outputs.prediction_every": 2.5, "drift.cusum": 3, "learning.tau": .number(.infinity),
        ])
        do {
            _ = try AgentConfigurationLoader.applying(proposed, to: AgentConfiguration(), sourceName: "command")
            Issue.record("a bad change was accepted")
        } catch {
            #expect(
                error.keyPaths == [
                    "drift.cusum", "learning.betta", "model.gradient_mode", "outputs.prediction_every", "learning.tau",
                    "learning.beta", "drift.anomaly.threshold",
                ])
            #expect(error.problems.allSatisfy { $0.source == "command" })
            #expect(error.problems[1].message == "names no setting; did you mean learning.beta?")
        }
    }

    @Test("overrides of every key used by the control plane apply")
    func controlPlaneKeys() throws {
        let overrides = ConfigurationOverrides([
            "learning.beta": 0.01, "learning.eta": 0.4, "learning.phi": 0.5, "learning.tau": 1, "model.gradient_mode": "costate",
            "drift.cusum.threshold": 12, "drift.adwin.delta": 0.001, "drift.page_hinkley.threshold": 40,
            "drift.anomaly.threshold": 0.999, "outputs.prediction_every": 10, "outputs.prediction_max_rate_hz": 2.5,
        ])
        let applied = try AgentConfigurationLoader.applying(overrides, to: AgentConfiguration())
        #expect(applied.model.gradientMode == .costate)
        #expect(applied.drift.pageHinkley.threshold == 40)
        #expect(applied.outputs.predictionMaxRateHz == 2.5)
        #expect(applied.learning.phi == 0.5)
    }

    @Test("overrides parse from JSON text with each scalar type")
    func jsonText() throws {
        let overrides = try ConfigurationOverrides(
            jsonText: #"{"a": true, "b": 3, "c": 0.25, "d": "x", "e": 1e3}"#, sourceName: "command")
        #expect(overrides.values == ["a": true, "b": 3, "c": 0.25, "d": "x", "e": 1000])
    }

    @Test("a broken overrides file is named with where the JSON breaks, a duplicate key with its name")
    func brokenJSONText() {
        func message(_ text: String) -> String {
            do {
                _ = try ConfigurationOverrides(jsonText: text, sourceName: "overrides.json")
                return ""
            } catch { return "\(error)" }
        }
        let truncated = message(#"{"learning.beta": 0.01"#)
        #expect(truncated.contains("is not valid JSON") && truncated.contains("at byte 22"), "\(truncated)")
        #expect(truncated.contains("delete the file"), "\(truncated)")
        let twice = message(#"{"learning.beta": 0.01, "learning.beta": 0.02}"#)
        #expect(twice.contains("\"learning.beta\" appears twice"), "\(twice)")
        let list = message("[1, 2]")
        #expect(list.contains("must be one JSON object"), "\(list)")
        let nested = message(#"{"learning.beta": [0.01]}"#)
        #expect(nested.contains("must be a single value"), "\(nested)")
    }
}
