extension AgentConfiguration {
    /// The `agent` section.
    public struct Agent: Sendable, Equatable {
        /// `id`: the agent's name in its MQTT client id and topic prefix; empty = the host name.
        public var id: String
        /// `state_directory`: checkpoints and the overrides file live here; empty = `$STATE_DIRECTORY`
        /// (set by systemd's `StateDirectory=`) if set, else `./hamlet-state`.
        public var stateDirectory: String

        public init(id: String = "", stateDirectory: String = "") {
            self.id = id
            self.stateDirectory = stateDirectory
        }
    }
}
