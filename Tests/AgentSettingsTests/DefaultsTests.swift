import Foundation
import DriftDetection
import Testing

@testable import AgentSettings

@Suite("Defaults and the example file")
struct DefaultsTests {
    @Test("config/hamlet.yaml loads and equals the built-in defaults")
    func exampleFileEqualsDefaults() throws {
        let loaded = try AgentConfigurationLoader.load(path: exampleConfigurationPath(), environment: [:], overridesPath: nil)
        #expect(loaded == AgentConfiguration.defaults)
    }

    @Test("every key of the defaults appears in config/hamlet.yaml, and no other")
    func exampleFileListsEveryKey() throws {
        let text = try String(contentsOfFile: exampleConfigurationPath(), encoding: .utf8)
        var found: [String] = []
        func collect(_ input: SettingInput, prefix: String) {
            guard case .mapping(let entries) = input.value else {
                found.append(prefix)
                return
            }
            for entry in entries { collect(entry.value, prefix: prefix.isEmpty ? entry.key : prefix + "." + entry.key) }
        }
        collect(try SettingInput.parse(yaml: text), prefix: "")
        #expect(found == AgentConfiguration.settingKeyPaths)
    }

    @Test("no file and no environment give the defaults")
    func noFileGivesDefaults() throws {
        let loaded = try AgentConfigurationLoader.load(path: nil, environment: ["PATH": "/usr/bin"], overridesPath: nil)
        #expect(loaded == AgentConfiguration())
        #expect(loaded.learning.beta == 0.003)
        #expect(loaded.drift.detectors == [.cusum, .adwin, .anomalyScore])
        #expect(loaded.mqtt.protocolVersion == .v5)
    }

    @Test("an empty file gives the defaults")
    func emptyFileGivesDefaults() throws {
        #expect(try AgentConfigurationLoader.parse(yaml: "", sourceName: "empty.yaml") == AgentConfiguration())
        #expect(try AgentConfigurationLoader.parse(yaml: "# only comments\n", sourceName: "c.yaml") == AgentConfiguration())
    }

    @Test("a file naming a few keys keeps the defaults of the rest")
    func partialFile() throws {
        let loaded = try AgentConfigurationLoader.parse(
            yaml: """
                source:
                  kind: mqtt
                  mqtt:
                    sensors:
                      - topic: plant/+/temp
                        field: value
                      - {topic: "plant/pump/rpm"}
                    format: json
                learning:
                  beta: 1e-3
                drift:
                  detectors: [page-hinkley]
                  cusum:
                # every key of this section left at its default
                mqtt:
                  protocol: 3.1.1
                  port: 8883
                """, sourceName: "partial.yaml")
        #expect(loaded.source.kind == .mqtt)
        #expect(loaded.source.mqtt.sensors == [.init(topic: "plant/+/temp", field: "value"), .init(topic: "plant/pump/rpm")])
        #expect(loaded.learning.beta == 0.001)
        #expect(loaded.learning.eta == 0.5)
        #expect(loaded.drift.detectors == [.pageHinkley])
        #expect(loaded.mqtt.protocolVersion == .v311)
        #expect(loaded.mqtt.port == 8883)
    }

    @Test("effectiveSettings is a JSON object nested like the YAML, with every key")
    func effectiveSettings() throws {
        let text = AgentConfiguration.defaults.effectiveSettings
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["agent", "source", "audio", "model", "learning", "drift", "mqtt", "outputs", "checkpoints", "metrics"])
        var leaves: [String] = []
        func collect(_ value: Any, prefix: String) {
            if let object = value as? [String: Any] {
                for (key, child) in object { collect(child, prefix: prefix.isEmpty ? key : prefix + "." + key) }
            } else {
                leaves.append(prefix)
            }
        }
        collect(object, prefix: "")
        #expect(leaves.sorted() == AgentConfiguration.settingKeyPaths.sorted())
        #expect(text.hasPrefix(#"{"agent":{"id":"","state_directory":""},"source":{"kind":"synthetic","#))
        #expect(text.contains(#""learning":{"tau":1,"beta":0.003,"eta":0.5,"phi":1,"ordering":"bp","#))
        #expect(text.contains(#""detectors":["cusum","adwin","anomaly-score"]"#))
        #expect(text.contains(#""protocol":"5""#))
        #expect(!text.lowercased().contains("\"password\""))
    }

    @Test("effectiveSettings shows sensors as objects")
    func effectiveSensors() throws {
        var configuration = AgentConfiguration()
        configuration.source.mqtt.sensors = [.init(topic: "a/+/b", field: "v"), .init(topic: "c")]
        #expect(configuration.effectiveSettings.contains(#""sensors":[{"topic":"a/+/b","field":"v"},{"topic":"c"}]"#))
    }

    @Test("empty identity settings resolve from the host name and environment")
    func resolvedValues() throws {
        var configuration = AgentConfiguration()
        #expect(configuration.resolvedAgentID(hostName: "edge-7") == "edge-7")
        #expect(configuration.resolvedClientID(hostName: "edge-7") == "hamlet-edge-7")
        #expect(configuration.resolvedTopicPrefix(hostName: "edge-7") == "hamlet/edge-7")
        #expect(configuration.resolvedStateDirectory(environment: [:]) == "./hamlet-state")
        #expect(configuration.resolvedStateDirectory(environment: ["STATE_DIRECTORY": "/var/lib/hamlet:/var/lib/other"]) == "/var/lib/hamlet")
        #expect(configuration.resolvedOverridesPath(environment: ["STATE_DIRECTORY": "/var/lib/hamlet"])
            == "/var/lib/hamlet/settings-overrides.json")
        #expect(configuration.resolvedPasswordFile(environment: [:]) == nil)
        #expect(!AgentConfiguration.systemHostName().isEmpty)

        configuration.agent.id = "pump-3"
        configuration.agent.stateDirectory = "/srv/hamlet"
        configuration.mqtt.topicPrefix = "site/a/"
        #expect(configuration.resolvedClientID(hostName: "edge-7") == "hamlet-pump-3")
        #expect(configuration.resolvedTopicPrefix(hostName: "edge-7") == "site/a")
        #expect(configuration.resolvedStateDirectory(environment: ["STATE_DIRECTORY": "/var/lib/hamlet"]) == "/srv/hamlet")
        configuration.mqtt.clientID = "fixed"
        #expect(configuration.resolvedClientID(hostName: "edge-7") == "fixed")
    }

    @Test("the password file defaults to the systemd credential only when it exists and a user name is set")
    func resolvedPasswordFile() throws {
        try withTemporaryDirectory { directory in
            var configuration = AgentConfiguration()
            configuration.mqtt.username = "agent"
            let environment = ["CREDENTIALS_DIRECTORY": directory]
            #expect(configuration.resolvedPasswordFile(environment: environment) == nil)
            try write("secret\n", to: directory + "/mqtt-password")
            #expect(configuration.resolvedPasswordFile(environment: environment) == directory + "/mqtt-password")
            configuration.mqtt.passwordFile = "/etc/hamlet/password"
            #expect(configuration.resolvedPasswordFile(environment: environment) == "/etc/hamlet/password")
        }
    }

    @Test("the section helpers build the lower targets' configurations")
    func lowerConfigurations() {
        let defaults = AgentConfiguration.defaults
        #expect(defaults.learning.hamiltonian.problems.isEmpty)
        #expect(defaults.learning.hamiltonian.gradientClip == 1)
        #expect(defaults.audio.features.problems.isEmpty)
        #expect(defaults.audio.features.mfccCount == nil)
        #expect(defaults.model.resolvedActivation == .gelu)
        #expect(defaults.model.resolvedHiddenSize == 64)
        var mlp = defaults.model
        mlp.kind = .mlp
        #expect(mlp.resolvedActivation == .tanh)
        #expect(defaults.drift.score == ForecastScoreConfiguration())
        #expect(defaults.source.mqtt.timeField == "arrival")
    }

    @Test("drift.score sets the forecast score's settings and keeps the defaults of the rest")
    func forecastScoreKeys() throws {
        let loaded = try AgentConfigurationLoader.parse(
            yaml: """
                drift:
                  score:
                    threshold: 0.8
                    warm_up_samples: 50
                    tail_quantile: 0.9
                    tail_samples: 120
                    minimum_residual_scale: 0.1
                    horizon_samples: 30
                    horizon_lags: 4
                    recent_range_samples: 2000
                    recent_range_tolerance: 0.3
                    context_samples: 20000
                    context_order: 3
                    context_bins: 12
                """,
            sourceName: "score.yaml")
        var expected = ForecastScoreConfiguration()
        expected.threshold = 0.8
        expected.warmUpSamples = 50
        expected.tailQuantile = 0.9
        expected.minimumTailSamples = 120
        expected.minimumResidualScale = 0.1
        expected.horizonSamples = 30
        expected.horizonLags = 4
        expected.recentRangeSamples = 2000
        expected.recentRangeTolerance = 0.3
        expected.contextSamples = 20000
        expected.contextOrder = 3
        expected.contextBins = 12
        #expect(loaded.drift.score == expected)
    }
}
