extension ControlCommand {
    /// The settings this command changes that must persist across restarts, by key path.
    /// Empty for queries and actions (`pause` too: a restarted agent learns).
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
            case .anomalyScore(let threshold): overrides[.anomalyThreshold] = .number(threshold)
            }
        case .setPredictionRate(let change):
            overrides[.predictionEvery] = change.every.map(ControlValue.integer)
            overrides[.predictionMaxRateHz] = change.maxRateHz.map(ControlValue.number)
        case .getConfig, .getStatus, .pause, .resume, .resetModel, .resetCostates, .checkpoint:
            break
        }
        return overrides
    }
}
