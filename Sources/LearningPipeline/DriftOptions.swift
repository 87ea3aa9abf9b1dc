import AgentSettings
import DriftDetection

/// Which drift detectors watch the learner's loss, how alerts are gated, and what happens on drift.
public struct DriftOptions: Sendable, Equatable {
    /// A change detector over the loss stream; the same cases as the configuration file's `drift.detectors`.
    public typealias Detector = AgentConfiguration.Drift.Detector

    /// What the agent does to the learner when drift is detected (off by default); as `drift.reaction`.
    public typealias Reaction = AgentConfiguration.Drift.Reaction

    public var detectors: [Detector] = [.cusum, .adwin, .anomalyScore]
    /// The gates; its warm-up is counted in learning steps and covers the learner's first convergence.
    public var monitor = DriftMonitorConfiguration(warmUpSamples: 5000)
    public var anomaly = AnomalyScoreConfiguration()
    /// The anomaly score of the forecast task (over the forecast's residuals, not the loss).
    public var forecast = ForecastScoreConfiguration()
    public var cusum = CUSUMConfiguration()
    public var adwin = ADWINConfiguration()
    public var pageHinkley = PageHinkleyConfiguration()
    public var reaction: Reaction = .none
    public var boostFactor = 3.0
    public var boostSteps = 1000

    public init() {}

    public var problems: [String] {
        var found = monitor.problems + anomaly.problems + forecast.problems
        found += cusum.problems.map { "CUSUM: \($0)" } + adwin.problems.map { "ADWIN: \($0)" }
        found += pageHinkley.problems.map { "Page-Hinkley: \($0)" }
        if !(boostFactor.isFinite && boostFactor > 0) { found.append("the plasticity boost factor must be positive, got \(boostFactor)") }
        // Only a boost has a length: `drift.boost_steps: 0` with another reaction is valid configuration.
        if reaction == .boostPlasticity, boostSteps < 1 { found.append("the plasticity boost must last at least 1 step, got \(boostSteps)") }
        return found
    }
}
