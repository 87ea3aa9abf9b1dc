import Foundation
import Testing

@testable import AgentSettings

/// Numbers that are finite but would break the learner or stop the agent for good (issue 16:
/// beta 1e308, phi 1.79e308, a prediction rate of 5e-324 per second, ADWIN's delta 5e-324) are
/// refused with the key named, from the file and from the control plane's overrides alike.
@Suite struct ExtremeValueTests {
    static let cases: [(key: String, value: OverrideValue)] = [
        ("learning.beta", .number(1e308)), ("learning.phi", .number(1.79e308)), ("learning.tau", .number(1e300)),
        ("learning.eta", .number(1e300)), ("learning.gradient_clip", .number(1e300)),
        ("outputs.prediction_max_rate_hz", .number(5e-324)), ("drift.adwin.delta", .number(5e-324)),
        ("drift.cusum.threshold", .number(1e300)), ("drift.boost_factor", .number(1e300)),
        ("source.synthetic.rate_hz", .number(1e300)),
    ]

    @Test("each extreme value is refused, naming its key", arguments: cases.map(\.key))
    func refused(key: String) throws {
        let value = try #require(Self.cases.first { $0.key == key }?.value)
        let overrides = ConfigurationOverrides([key: value])
        do {
            _ = try AgentConfigurationLoader.applying(overrides, to: AgentConfiguration(), sourceName: "the control request")
            Issue.record("\(key) = \(value) was accepted")
        } catch {
            #expect(error.problems.contains { $0.keyPath == key }, "\(error)")
        }
    }

    @Test("ordinary values next to the limits are still accepted")
    func ordinaryValues() throws {
        let overrides = ConfigurationOverrides([
            "learning.beta": .number(0.5), "learning.phi": .number(10), "outputs.prediction_max_rate_hz": .number(0.01),
            "drift.adwin.delta": .number(1e-6),
        ])
        let applied = try AgentConfigurationLoader.applying(overrides, to: AgentConfiguration(), sourceName: "test")
        #expect(applied.learning.beta == 0.5 && applied.outputs.predictionMaxRateHz == 0.01)
    }
}
