import Foundation
import Testing

@testable import AgentSettings

/// What a reload takes over comes from one list next to the schema: every live setting changed in
/// the file reaches the running configuration, every other one keeps its running value and is
/// named as waiting for a restart.
@Suite struct ReloadTests {
    private func loaded(_ yaml: String) throws -> AgentConfiguration {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try AgentConfigurationLoader.load(path: url.path, environment: [:], overridesPath: nil)
    }

    @Test("live settings are taken over; the rest keep running and are named by section")
    func liveAndRestart() throws {
        let running = AgentConfiguration()
        let next = try loaded(
            """
            learning: {beta: 0.01, gradient_clip: 2, seed: 7}
            model: {state_size: 16, gradient_mode: costate}
            drift: {cusum: {threshold: 12}, warm_up: 10, score: {threshold: 0.4, long_run_samples: 50}}
            mqtt: {port: 1884}
            outputs: {prediction_every: 3}
            """)
        let kept = running.reloaded(with: next)
        #expect(kept.learning.beta == 0.01 && kept.learning.gradientClip == 2)
        #expect(kept.learning.hamiltonian == next.learning.hamiltonian, "the whole integrator configuration reloads")
        #expect(kept.model.gradientMode == .costate && kept.drift.cusum.threshold == 12 && kept.drift.score.threshold == 0.4)
        #expect(kept.outputs.predictionEvery == 3)
        #expect(kept.learning.seed == running.learning.seed && kept.model.stateSize == running.model.stateSize)
        #expect(kept.drift.warmUpSteps == running.drift.warmUpSteps && kept.drift.score.longRunSamples == running.drift.score.longRunSamples)
        #expect(kept.mqtt == running.mqtt)
        #expect(running.sectionsWaitingForRestart(next) == ["model", "learning", "drift", "drift.score", "mqtt"])
        #expect(kept.sectionsWaitingForRestart(kept).isEmpty)
    }

    @Test("every live path names a setting of the schema")
    func livePathsExist() {
        let paths = Set(SettingsSchema.all.map(\.path))
        #expect(SettingsSchema.livePaths.isSubset(of: paths), "\(SettingsSchema.livePaths.subtracting(paths))")
    }

    @Test("every setting either reloads or is named as waiting: none is silently dropped")
    func noSettingIsSilentlyDropped() throws {
        let running = AgentConfiguration()
        var exercised = 0
        for setting in SettingsSchema.all {
            // A changed copy: the value of another configuration in which only this setting differs.
            var next = running
            let changed = try changedValue(of: setting)
            setting.copy(changed, &next)
            guard setting.effectiveValue(next).text != setting.effectiveValue(running).text else { continue }
            exercised += 1
            let kept = running.reloaded(with: next)
            let reloaded = setting.effectiveValue(kept).text == setting.effectiveValue(next).text
            let named = !running.sectionsWaitingForRestart(next).isEmpty
            #expect(reloaded != named, "\(setting.path): reloaded \(reloaded), named as waiting \(named)")
        }
        #expect(exercised * 10 >= SettingsSchema.all.count * 9, "only \(exercised) of \(SettingsSchema.all.count) settings could be changed")
    }

    /// A configuration whose value of `setting` differs from the default, read from YAML so the
    /// value is valid for that setting.
    private func changedValue(of setting: Setting) throws -> AgentConfiguration {
        var configuration = AgentConfiguration()
        let words = [
            "probe", "costate", "traces", "local", "mlp", "forecaster", "synthetic", "mqtt", "audio", "recording", "csv",
            "boost-plasticity", "reset-costates", "3.1.1", "tanh", "relu", "gelu", "slaney", "htk", "json", "float32", "free",
        ]
        let candidates: [SettingInput] =
            [.integer(3), .integer(17), .integer(1000), .number(0.37), .bool(true)].map { SettingInput($0, text: "") }
            + words.map { SettingInput(.string($0), text: $0) }
        for input in candidates {
            var probe = AgentConfiguration()
            if setting.read(input, &probe).isEmpty, setting.effectiveValue(probe).text != setting.effectiveValue(configuration).text {
                configuration = probe
                break
            }
        }
        return configuration
    }
}
