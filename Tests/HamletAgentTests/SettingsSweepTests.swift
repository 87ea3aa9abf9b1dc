import AgentSettings
import Foundation
import HamletAgent
import JSONText
import Testing

/// A generated sweep of extreme values over every numeric setting (the control plane's fields
/// among them): each is refused, or the learner and detectors it configures stay finite.
@Suite struct SettingsSweepTests {
    static let extremes: [Double] = [1e308, -1e308, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e15, -1e15, 0]

    /// Every key of the effective settings whose value is a number, dotted as in the YAML.
    static var numericKeys: [String] {
        guard let tree = try? JSONParser.parse(Array(AgentConfiguration().effectiveSettings.utf8), maximumDepth: 16) else { return [] }
        var keys: [String] = []
        func walk(_ node: JSONValue, _ prefix: String) {
            switch node {
            case .object(let members):
                for member in members { walk(member.value, prefix.isEmpty ? member.key : prefix + "." + member.key) }
            case .number: keys.append(prefix)
            default: break
            }
        }
        walk(tree, "")
        return keys.sorted()
    }

    @Test("the sweep covers the learning and detector fields of the control plane")
    func coversControlFields() {
        let keys = Set(Self.numericKeys)
        for field in ["learning.beta", "learning.eta", "learning.phi", "learning.tau", "drift.cusum.threshold", "drift.adwin.delta",
            "drift.page_hinkley.threshold", "drift.anomaly.threshold", "drift.score.threshold", "outputs.prediction_max_rate_hz"] {
            #expect(keys.contains(field), "\(field) is not among \(keys.sorted())")
        }
    }

    @Test("each extreme value is refused, or learning with it stays finite", arguments: numericKeys)
    func extremeValue(key: String) throws {
        for value in Self.extremes {
            let configuration: AgentConfiguration
            do {
                configuration = try AgentConfigurationLoader.applying(
                    ConfigurationOverrides([key: .number(value)]), to: AgentConfiguration(), sourceName: "sweep")
            } catch {
                #expect(error.problems.contains { $0.keyPath.hasPrefix(key) }, "\(key) = \(value): \(error)")
                continue
            }
            // Accepted: the learning and detector settings in force run a forecast that stays finite.
            var drift = configuration.driftOptions
            if let warmUp = drift?.monitor.warmUpSamples { drift?.monitor.warmUpSamples = min(warmUp, 50) }
            let guarded = try GuardedSession(task: .forecast, hamiltonian: configuration.learning.hamiltonian, drift: drift)
            for t in 0..<300 { try guarded.step(t) }
            let finite = guarded.sink.lastPrediction.allSatisfy { $0?.isFinite == true }
            #expect(finite, "\(key) = \(value): \(guarded.sink.lastPrediction)")
            let faults = guarded.session.summary.learnerFaults
            #expect(faults == 0 ? guarded.sink.faultAlerts.isEmpty : (1...faults).contains(guarded.sink.faultAlerts.count))
            #expect(throws: Never.self, "\(key) = \(value)") { _ = try guarded.session.finiteCheckpointFile() }
        }
    }
}
