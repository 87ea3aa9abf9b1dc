import Testing

@testable import AgentSettings

/// `model.stage`: one agent's part of a deep pipelined network split across agents. Its blocks
/// follow from the settings, and every way the settings can contradict each other is named.
@Suite struct StageSettingsTests {
    static func yaml(stage: String, kind: String = "deep", scheme: String = "pipelined", layers: Int = 5, extra: String = "") -> String {
        """
        model:
          kind: \(kind)
          layers: \(layers)
          stage:
        \(stage.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        learning:
          scheme: \(scheme)
        \(extra)
        """
    }

    static func load(_ yaml: String) throws -> AgentConfiguration {
        try AgentConfigurationLoader.parse(yaml: yaml, sourceName: "test.yaml")
    }

    @Test("an even split gives the later stages the extra blocks; explicit blocks are taken in order")
    func blocksFollowFromTheSettings() throws {
        let even = try Self.load(Self.yaml(stage: "count: 3\nindex: 2"))
        #expect((0..<3).map { even.model.stage.blockRange(ofStage: $0, layers: 5) } == [0..<1, 1..<3, 3..<5])
        #expect(even.model.stage.blockRange(layers: 5) == 3..<5)
        let given = try Self.load(Self.yaml(stage: "count: 2\nindex: 0\nblocks: [4, 1]\ntiming: free\nmax_staleness: 2"))
        #expect(given.model.stage.blockRange(layers: 5) == 0..<4)
        #expect(given.model.stage.blockRange(ofStage: 1, layers: 5) == 4..<5)
        #expect(given.model.stage.timing == .free && given.model.stage.maxStaleness == 2)
        #expect(AgentConfiguration().model.stage.blockRange(layers: 5) == nil, "by default the agent runs the whole network")
    }

    @Test("each contradiction is named at its key, with what to do")
    func contradictionsAreNamed() {
        func messages(_ yaml: String) -> [String] { problems(yaml: yaml).map { "\($0.keyPath): \($0.message)" } }
        let why = "only a deep network whose blocks talk only to their neighbours is split into stages"
        #expect(messages(Self.yaml(stage: "count: 2", kind: "forecaster")).contains("model.stage.count: needs model.kind: deep (got forecaster): \(why)"))
        #expect(messages(Self.yaml(stage: "count: 2", scheme: "instant")) == ["model.stage.count: needs learning.scheme: pipelined (got instant): \(why)"])
        #expect(messages(Self.yaml(stage: "count: 2", kind: "mlp", scheme: "reversible")).contains(
            "model.stage.count: needs model.kind: deep (got mlp) and learning.scheme: pipelined (got reversible): \(why)"))
        #expect(messages(Self.yaml(stage: "count: 3\nindex: 3")) == [
            "model.stage.index: must be less than model.stage.count (3): stages are numbered from 0, got 3"
        ])
        #expect(messages(Self.yaml(stage: "count: 6")) == [
            "model.stage.count: must be at most model.layers (5): each stage runs at least one block"
        ])
        #expect(messages(Self.yaml(stage: "count: 2\nblocks: [1, 1, 3]")) == [
            "model.stage.blocks: lists 3 stages where model.stage.count is 2; give one block count per stage"
        ])
        #expect(messages(Self.yaml(stage: "count: 2\nblocks: [2, 2]")) == [
            "model.stage.blocks: adds up to 4 blocks where model.layers is 5: the stages together run every block once"
        ])
        #expect(messages(Self.yaml(stage: "count: 1")) == [
            "model.stage.count: must be 0 (this agent runs the whole network) or from 2 to 64 stages, got 1"
        ])
        #expect(messages(Self.yaml(stage: "index: 1")) == [
            "model.stage.index: applies only when model.stage.count is set; set both, or remove it"
        ])
        #expect(messages(Self.yaml(stage: "count: 2\nindex: 0", extra: "mqtt:\n  enabled: false")) == [
            "mqtt.enabled: must be true when model.stage.count is set: the stages talk through the broker"
        ])
        #expect(messages(Self.yaml(stage: "count: 2\nindex: 0\nblocks: [1, 4]", extra: "  threads: 2")) == [
            "learning.threads: must be at most the 1 blocks this stage runs: each thread runs at least one block, got 2"
        ])
        #expect(messages(Self.yaml(stage: "count: 2\ntopic_prefix: \"a/+/b\"")).first?.hasPrefix("model.stage.topic_prefix: must not contain") == true)
        #expect(messages(Self.yaml(stage: "count: 2\ntimeout_seconds: 0")).first?.hasPrefix("model.stage.timeout_seconds: must be a positive number") == true)
    }
}
