extension AgentConfiguration {
    /// The `checkpoints` section: when the learner's state is saved (always on shutdown too).
    public struct Checkpoints: Sendable, Equatable {
        /// `every_seconds`: 0 = only on shutdown.
        public var everySeconds: Double
        /// `every_steps`: 0 = off.
        public var everySteps: Int

        public init(everySeconds: Double = 300, everySteps: Int = 0) {
            self.everySeconds = everySeconds
            self.everySteps = everySteps
        }
    }
}
