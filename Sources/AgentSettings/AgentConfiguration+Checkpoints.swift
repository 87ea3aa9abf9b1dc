extension AgentConfiguration {
    /// The `checkpoints` section: when the learner's state is saved (always on shutdown too).
    public struct Checkpoints: Sendable, Equatable {
        /// `every_seconds`: 0 = only on shutdown. 60 by default: one checkpoint of the default
        /// agent costs 2-8 ms and 135 KB (docs/checkpoint-interval.md), so a crash loses at most a
        /// minute of learning for well under 0.1 % of the time.
        public var everySeconds: Double
        /// `every_steps`: 0 = off.
        public var everySteps: Int

        public init(everySeconds: Double = 60, everySteps: Int = 0) {
            self.everySeconds = everySeconds
            self.everySteps = everySteps
        }
    }
}
