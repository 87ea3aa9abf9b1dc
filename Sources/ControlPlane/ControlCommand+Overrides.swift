extension ControlCommand {
    /// The settings this command changes that must persist across restarts, by key path.
    /// Empty for queries and one-off actions; `pause` and `resume` persist, so that a restart
    /// does not silently start learning again.
    public var overrides: [ControlOverrideKey: ControlValue] {
        var overrides: [ControlOverrideKey: ControlValue] = [:]
        switch self {
        case .setLearning(let change):
            overrides[.learningBeta] = change.beta.map(ControlValue.number)
            overrides[.learningEta] = change.eta.map(ControlValue.number)
            overrides[.learningPhi] = change.phi.map(ControlValue.number)
            overrides[.learningTau] = change.tau.map(ControlValue.number)
            overrides[.modelGradientMode] = change.gradientMode.map { .string($0.rawValue) }
        case .setDetector(let change):
            switch change {
            case .cusum(let threshold): overrides[.cusumThreshold] = .number(threshold)
            case .adwin(let delta): overrides[.adwinDelta] = .number(delta)
            case .pageHinkley(let threshold): overrides[.pageHinkleyThreshold] = .number(threshold)
            case .anomalyScore(let threshold):
                // As `hamlet learn --anomaly-threshold`: the loss's score and the forecast's own
                // (`drift.score`, the one that alerts for a forecast, so for every `hamlet run`).
                overrides[.anomalyThreshold] = .number(threshold)
                overrides[.scoreThreshold] = .number(threshold)
            }
        case .setPredictionRate(let change):
            overrides[.predictionEvery] = change.every.map(ControlValue.integer)
            overrides[.predictionMaxRateHz] = change.maxRateHz.map(ControlValue.number)
        case .pause:
            overrides[.learningPaused] = .bool(true)
        case .resume:
            overrides[.learningPaused] = .bool(false)
        case .getConfig, .getStatus, .resetModel, .resetCostates, .checkpoint:
            break
        }
        return overrides
    }
}
