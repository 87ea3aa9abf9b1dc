extension AgentConfiguration {
    /// The `metrics` section.
    public struct Metrics: Sendable, Equatable {
        /// `interval_seconds`: how often counters are published.
        public var intervalSeconds: Double
        /// `prometheus_file`: a node-exporter textfile-collector path rewritten each interval; empty = none.
        public var prometheusFile: String

        public init(intervalSeconds: Double = 10, prometheusFile: String = "") {
            self.intervalSeconds = intervalSeconds
            self.prometheusFile = prometheusFile
        }
    }
}
