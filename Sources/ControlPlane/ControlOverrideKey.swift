/// A configuration key path a control command may override across restarts. The raw values
/// are the keys the configuration loader reads; do not rename them.
public enum ControlOverrideKey: String, Sendable, Hashable, CaseIterable {
    case learningBeta = "learning.beta"
    case learningEta = "learning.eta"
    case learningPhi = "learning.phi"
    case learningTau = "learning.tau"
    case learningPaused = "learning.paused"
    case modelGradientMode = "model.gradient_mode"
    case cusumThreshold = "drift.cusum.threshold"
    case adwinDelta = "drift.adwin.delta"
    case pageHinkleyThreshold = "drift.page_hinkley.threshold"
    case anomalyThreshold = "drift.anomaly.threshold"
    case scoreThreshold = "drift.score.threshold"
    case predictionEvery = "outputs.prediction_every"
    case predictionMaxRateHz = "outputs.prediction_max_rate_hz"
}
