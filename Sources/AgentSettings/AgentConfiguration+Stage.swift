extension AgentConfiguration.Model {
    /// `model.stage`: this agent runs one stage of a deep `pipelined` network split across agents
    /// that talk through the MQTT broker (docs/stages.md). Stage 0 owns the source and the
    /// features, the last stage the loss, the predictions and the alerts.
    public struct Stage: Sendable, Equatable {
        /// How a stage waits for its neighbours' messages.
        public enum Timing: String, Sendable, CaseIterable {
            /// Waits for every message of the previous step: the single-process run, bit for bit.
            case lockstep
            /// Never waits for a costate: takes the newest within `max_staleness` steps, or learns nothing from above.
            case free
        }

        /// `count`: the stages the network is split into; 0 = this agent runs the whole network.
        public var count = 0
        /// `index`: which stage this agent runs, from 0 (the first) to `count` − 1 (the last).
        public var index = 0
        /// `blocks`: the number of blocks of each stage, in order, adding up to `model.layers`;
        /// empty = as even as possible (the later stages take the extra blocks).
        public var blocks: [Int] = []
        /// `topic_prefix`: where the stages' messages go (`<prefix>/stage/…`); the same for every stage.
        public var topicPrefix = "hamlet/pipeline"
        /// `timing`
        public var timing = Timing.lockstep
        /// `max_staleness`: free timing only: the oldest costate taken, in steps behind lockstep's.
        public var maxStaleness = 4
        /// `timeout_seconds`: a neighbour that sends to this stage and is silent this long is gone: named in an alert, the stage goes on with what it can do.
        public var timeoutSeconds = 10.0

        /// The defaults: the whole network in this agent.
        public init() {}

        /// True when this agent runs one stage rather than the whole network.
        public var isEnabled: Bool { count > 0 }

        /// The blocks stage `k` runs out of `layers`: from `blocks`, or an even split (the one
        /// `learning.threads` uses inside one agent). Valid for a configuration the loader accepted.
        public func blockRange(ofStage k: Int, layers: Int) -> Range<Int> {
            guard !blocks.isEmpty else { return (k * layers / count)..<((k + 1) * layers / count) }
            let first = blocks.prefix(k).reduce(0, +)
            return first..<(first + blocks[k])
        }

        /// This agent's blocks, nil when it runs the whole network.
        public func blockRange(layers: Int) -> Range<Int>? { isEnabled ? blockRange(ofStage: index, layers: layers) : nil }
    }
}
