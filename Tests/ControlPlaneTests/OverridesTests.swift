import Testing

@testable import ControlPlane

@Suite("Overrides: what must persist across restarts")
struct OverridesTests {
    @Test func learningOverrides() {
        let command = ControlCommand.setLearning(LearningChange(beta: 0.02, tau: 3, gradientMode: .traces))
        #expect(
            command.overrides == [
                .learningBeta: .number(0.02), .learningTau: .number(3), .modelGradientMode: .string("traces"),
            ])
        let all = ControlCommand.setLearning(LearningChange(beta: 1, eta: 2, phi: 3, tau: 4, gradientMode: .costate))
        #expect(
            Set(all.overrides.keys.map(\.rawValue)) == [
                "learning.beta", "learning.eta", "learning.phi", "learning.tau", "model.gradient_mode",
            ])
    }

    @Test(arguments: [
        (DetectorChange.cusum(threshold: 5), "drift.cusum.threshold", 5.0),
        (.adwin(delta: 0.002), "drift.adwin.delta", 0.002),
        (.pageHinkley(threshold: 50), "drift.page_hinkley.threshold", 50),
    ])
    func detectorOverrides(change: DetectorChange, key: String, value: Double) throws {
        let overrides = ControlCommand.setDetector(change).overrides
        #expect(overrides == [try #require(ControlOverrideKey(rawValue: key)): .number(value)])
    }

    /// The loss's anomaly score and the forecast's own take the one threshold, as on the command line.
    @Test func anomalyScoreOverridesBothScores() {
        #expect(
            ControlCommand.setDetector(.anomalyScore(threshold: 0.99)).overrides == [
                .anomalyThreshold: .number(0.99), .scoreThreshold: .number(0.99),
            ])
    }

    @Test func predictionRateOverrides() {
        #expect(
            ControlCommand.setPredictionRate(PredictionRateChange(every: 10, maxRateHz: 0)).overrides
                == [.predictionEvery: .integer(10), .predictionMaxRateHz: .number(0)])
        #expect(
            ControlCommand.setPredictionRate(PredictionRateChange(every: 3)).overrides == [
                .predictionEvery: .integer(3)
            ])
    }

    @Test func actionsAndQueriesOverrideNothing() {
        for command in [ControlCommand.getConfig, .getStatus, .resetModel, .resetCostates, .checkpoint] {
            #expect(command.overrides.isEmpty)
        }
    }

    @Test func pauseAndResumePersist() {
        #expect(ControlCommand.pause.overrides == [.learningPaused: .bool(true)])
        #expect(ControlCommand.resume.overrides == [.learningPaused: .bool(false)])
    }

    @Test func overrideKeysAreTheLoadersKeys() {
        #expect(
            ControlOverrideKey.allCases.map(\.rawValue) == [
                "learning.beta", "learning.eta", "learning.phi", "learning.tau", "learning.paused", "model.gradient_mode",
                "drift.cusum.threshold", "drift.adwin.delta", "drift.page_hinkley.threshold", "drift.anomaly.threshold",
                "drift.score.threshold",
                "outputs.prediction_every", "outputs.prediction_max_rate_hz",
            ])
    }

    @Test func parsedRequestToOverrides() {
        #expect(
            command(#"{"command": "set-learning", "eta": 0.5, "gradient_mode": "costate"}"#)?.overrides
                == [.learningEta: .number(0.5), .modelGradientMode: .string("costate")])
    }
}
