extension AgentConfiguration {
    /// The `outputs` section: how much of the prediction stream is published. Alerts always are.
    public struct Outputs: Sendable, Equatable {
        /// `stdout`: also write JSON lines on standard output.
        public var standardOutput: Bool
        /// `prediction_every`: publish every k-th prediction.
        public var predictionEvery: Int
        /// `prediction_max_rate_hz`: at most this many predictions per second; 0 = unlimited.
        public var predictionMaxRateHz: Double

        public init(standardOutput: Bool = false, predictionEvery: Int = 1, predictionMaxRateHz: Double = 0) {
            (self.standardOutput, self.predictionEvery) = (standardOutput, predictionEvery)
            self.predictionMaxRateHz = predictionMaxRateHz
        }
    }
}
