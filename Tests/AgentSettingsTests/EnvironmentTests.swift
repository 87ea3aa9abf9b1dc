import Testing

@testable import AgentSettings

@Suite("HAMLET_ environment variables")
struct EnvironmentTests {
    @Test("variables override the file; other variables are ignored")
    func overridesFile() throws {
        let loaded = try AgentConfigurationLoader.parse(
            yaml: "mqtt:\n  host: from-file\nlearning:\n  beta: 0.1\n", sourceName: "t.yaml",
            environment: [
                "HAMLET_MQTT__HOST": "broker.local",
                "HAMLET_LEARNING__BETA": "0.01",
                "HAMLET_SOURCE__KIND": "mqtt",
                "HAMLET_SOURCE__MQTT__SENSORS": "[{topic: plant/+/temp, field: value}]",
                "HAMLET_DRIFT__PAGE_HINKLEY__THRESHOLD": "20",
                "HAMLET_DRIFT__DETECTORS": "[page-hinkley, adwin]",
                "HAMLET_MQTT__TLS__CA_FILE": "/etc/ssl/ca.pem",
                "HAMLET_OUTPUTS__STDOUT": "true",
                "HAMLET_MQTT__PROTOCOL": "3.1.1",
                "HAMLET_AGENT__ID": "",
                "HOME": "/root",
                "HAMLETX": "not ours",
            ])
        #expect(loaded.mqtt.host == "broker.local")
        #expect(loaded.learning.beta == 0.01)
        #expect(loaded.source.kind == .mqtt)
        #expect(loaded.source.mqtt.sensors == [.init(topic: "plant/+/temp", field: "value")])
        #expect(loaded.drift.pageHinkley.threshold == 20)
        #expect(loaded.drift.detectors == [.pageHinkley, .adwin])
        #expect(loaded.mqtt.tls.caFile == "/etc/ssl/ca.pem")
        #expect(loaded.outputs.standardOutput)
        #expect(loaded.mqtt.protocolVersion == .v311)
        #expect(loaded.agent.id == "")
    }

    @Test("bad values name the variable and the key path")
    func badValues() throws {
        let found = problems(
            yaml: "", environment: ["HAMLET_LEARNING__BETA": "-1", "HAMLET_MQTT__PORT": "eighty", "HAMLET_DRIFT__ENABLED": "perhaps"])
        #expect(found.map(\.keyPath) == ["drift.enabled", "mqtt.port", "learning.beta"])
        #expect(found.map(\.source) == ["$HAMLET_DRIFT__ENABLED", "$HAMLET_MQTT__PORT", "$HAMLET_LEARNING__BETA"])
        #expect(found.last?.description == "$HAMLET_LEARNING__BETA: learning.beta: must be zero or a positive number, got -1")
    }

    @Test("unknown HAMLET_ variables are problems shown by their name, with a suggestion")
    func unknownVariables() throws {
        let found = problems(
            yaml: "",
            environment: [
                "HAMLET_LEARNING__BETTA": "0.1", "HAMLET_MQTT_HOST": "x", "HAMLET_DRIFT__CUSUM": "3",
                "HAMLET_mqtt__host": "y",
            ])
        #expect(found.map(\.keyPath) == ["HAMLET_DRIFT__CUSUM", "HAMLET_LEARNING__BETTA", "HAMLET_MQTT_HOST", "HAMLET_mqtt__host"])
        #expect(found.allSatisfy { $0.source == "environment" })
        #expect(found[0].message.contains("HAMLET_DRIFT__CUSUM__THRESHOLD"))
        #expect(found[1].message.hasSuffix("did you mean HAMLET_LEARNING__BETA?"))
        #expect(found[2].message.hasSuffix("did you mean HAMLET_MQTT__HOST?"))
        #expect(found[3].message == "must be upper case, such as HAMLET_MQTT__HOST")
    }

    @Test("a problem of a rule points at the variable that set the value")
    func ruleAttribution() throws {
        let found = problems(yaml: "", environment: ["HAMLET_SOURCE__KIND": "recording"])
        #expect(found.map(\.keyPath) == ["source.recording.path"])
        #expect(found.first?.source == "$HAMLET_SOURCE__KIND")
    }

    @Test("variable names map to key paths and back")
    func nameMapping() {
        #expect(ConfigurationBuilder.keyPath(forEnvironmentVariable: "HAMLET_DRIFT__PAGE_HINKLEY__THRESHOLD") == "drift.page_hinkley.threshold")
        #expect(ConfigurationBuilder.environmentVariable(forKeyPath: "mqtt.tls.ca_file") == "HAMLET_MQTT__TLS__CA_FILE")
        for path in AgentConfiguration.settingKeyPaths {
            #expect(ConfigurationBuilder.keyPath(forEnvironmentVariable: ConfigurationBuilder.environmentVariable(forKeyPath: path)) == path)
        }
    }
}
