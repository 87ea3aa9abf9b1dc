import HamiltonianLearning
import Testing

/// The forecaster really learns online, in both memory-bounded gradient modes.
@Suite struct LearningTests {
    @Test("the forecaster lowers its windowed MSE on a sinusoid mixture at least tenfold", arguments: RecurrentGradientMode.allCases)
    func sinusoidMixtureForecast(mode: RecurrentGradientMode) {
        let (steps, window) = (20_000, 1_000)
        let stream = sinusoidMixture(steps: steps + 1, channels: 4).map { $0.map { Float($0) } }
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(.init(inputCount: 4, stateCount: 16, gradientMode: mode)),
            configuration: .init(beta: 0.01, eta: 1), seed: 1)
        var windows: [Double] = []
        var sum = 0.0
        for t in 0..<steps {
            sum += Double(learner.step(input: stream[t], target: stream[t + 1]))
            if (t + 1) % window == 0 {
                windows.append(sum / Double(window))
                sum = 0
            }
        }
        #expect(learner.nonFiniteLosses == 0)
        #expect(windows.first! / windows.last! >= 10, "windowed MSE went from \(windows.first!) to \(windows.last!)")
    }
}
