import Testing

@testable import AgentSettings

@Suite("Problem messages say where and what to fix")
struct MessageTests {
    @Test("an unknown key suggests the near miss")
    func unknownKeySuggestion() throws {
        let found = problems(yaml: "learning:\n  betta: 0.1\nmodell: {}\n")
        #expect(found.map(\.message) == ["unknown key; did you mean beta?", "unknown key; did you mean model?"])
    }

    @Test("an unknown key far from every name lists the section's keys")
    func unknownKeyListsKeys() throws {
        let found = problems(yaml: "drift:\n  adwin:\n    sensitivity: 3\n")
        #expect(found.map(\.keyPath) == ["drift.adwin.sensitivity"])
        #expect(found.first?.message == "unknown key; drift.adwin has delta")
    }

    @Test("a misspelt choice suggests the valid value")
    func choiceSuggestion() throws {
        let found = problems(yaml: "source:\n  kind: mqqt\n")
        #expect(found.first?.message == #"must be one of synthetic, recording, alsa, mqtt, got "mqqt"; did you mean mqtt?"#)
    }

    @Test("the description lists one problem per line, prefixed by the file and line")
    func descriptionFormat() throws {
        let yaml = """
            learning:
              tau: 1
              beta: -1
            mqtt:
              port: 70000
            """
        do {
            _ = try AgentConfigurationLoader.parse(yaml: yaml, sourceName: "/etc/hamlet/hamlet.yaml")
            Issue.record("a bad file loaded")
        } catch {
            #expect(
                error.description == """
                    /etc/hamlet/hamlet.yaml:3: learning.beta: must be zero or a positive number, got -1
                    /etc/hamlet/hamlet.yaml:5: mqtt.port: must be from 1 to 65535, got 70000
                    """)
        }
    }

    @Test("a YAML syntax error reports its line and column")
    func syntaxError() throws {
        let found = problems(yaml: "learning:\n  beta: 0.1\n  eta: [0.5\nmodel:\n  kind: mlp\n")
        #expect(found.count == 1)
        let problem = try #require(found.first)
        #expect(problem.keyPath == "")
        #expect(problem.line != nil)
        #expect(problem.message.hasPrefix("YAML syntax error at line "))
        #expect(problem.message.contains(", column "))
    }

    @Test("a tab in indentation is a syntax error at its line")
    func tabSyntaxError() throws {
        let found = problems(yaml: "learning:\n  beta: 0.1\n\teta: 0.5\n")
        #expect(found.first?.line == 3)
        #expect(found.first?.message.contains("line 3") == true)
    }

    @Test("a repeated key is reported with its line")
    func duplicateKey() throws {
        let found = problems(yaml: "learning:\n  beta: 0.1\n  beta: 0.2\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("\"beta\" appears more than once") == true)
        #expect(found.first?.line != nil)
    }

    @Test("type errors name what was expected and what was found")
    func typeMessages() throws {
        let found = problems(
            yaml: """
                learning:
                  beta: fast
                  seed: 1.5
                drift:
                  enabled: "true"
                """)
        #expect(
            found.map(\.message) == [
                #"must be a number, got "fast""#, "must be a whole number, got 1.5", #"must be true or false, got "true""#,
            ])
    }

    @Test("unquoted numbers are fine where text is expected")
    func numbersAsText() throws {
        let loaded = try AgentConfigurationLoader.parse(
            yaml: "agent:\n  id: 42\nmqtt:\n  protocol: 5\n  username: 007\n", sourceName: "t.yaml")
        #expect(loaded.agent.id == "42")
        #expect(loaded.mqtt.protocolVersion == .v5)
        #expect(loaded.mqtt.username == "007")
    }

    @Test("a missing file is one problem naming it")
    func missingFile() throws {
        do {
            _ = try AgentConfigurationLoader.load(path: "/nonexistent/hamlet.yaml", environment: [:], overridesPath: nil)
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.source == "/nonexistent/hamlet.yaml")
            #expect(error.problems.first?.message.hasPrefix("does not exist") == true)
        }
    }

    @Test("suggestions need a close name")
    func nearestName() {
        #expect(NearestName.suggestion(for: "treshold", among: ["threshold", "delta"]) == "threshold")
        #expect(NearestName.suggestion(for: "page-hinkley", among: ["cusum", "page_hinkley"]) == "page_hinkley")
        #expect(NearestName.suggestion(for: "hidden_layer", among: ["hidden_layers", "hidden_size"]) == "hidden_layers")
        #expect(NearestName.suggestion(for: "xyz", among: ["threshold", "delta"]) == nil)
    }
}
