extension SettingsSchema {
    /// The settings a running agent takes over on a reload or a control command, between two
    /// steps; every other setting waits for a restart. The one description of what reloads:
    /// `AgentRuntime` applies what `reloaded(with:)` returns, nothing field by field.
    static let livePaths: Set<String> = [
        "learning.tau", "learning.beta", "learning.eta", "learning.phi", "learning.ordering",
        "learning.state_costate_reset", "learning.gradient_clip", "learning.paused",
        "model.gradient_mode",
        "drift.cusum.threshold", "drift.adwin.delta", "drift.page_hinkley.threshold", "drift.anomaly.threshold",
        "drift.score.threshold",
        "outputs.prediction_every", "outputs.prediction_max_rate_hz",
        "checkpoints.every_seconds", "checkpoints.every_steps",
        "metrics.interval_seconds", "metrics.prometheus_file",
    ]
}

extension AgentConfiguration {
    /// This running configuration with every live setting (`SettingsSchema.livePaths`) taken from
    /// `next`: what a reload puts in force. Settings that need a restart keep their running values,
    /// so `get-config` tells the truth.
    public func reloaded(with next: AgentConfiguration) -> AgentConfiguration {
        var kept = self
        for setting in SettingsSchema.all where SettingsSchema.livePaths.contains(setting.path) { setting.copy(next, &kept) }
        return kept
    }

    /// The sections whose settings differ in `next` but wait for a restart, in schema order: the
    /// first component of each key ("model", "mqtt"), two for `drift` ("drift.score").
    public func sectionsWaitingForRestart(_ next: AgentConfiguration) -> [String] {
        var sections: [String] = []
        for setting in SettingsSchema.all where !SettingsSchema.livePaths.contains(setting.path) {
            guard setting.effectiveValue(self).text != setting.effectiveValue(next).text else { continue }
            let parts = setting.path.split(separator: ".")
            let section = parts.prefix(parts.first == "drift" && parts.count > 2 ? 2 : 1).joined(separator: ".")
            if !sections.contains(section) { sections.append(section) }
        }
        return sections
    }
}
