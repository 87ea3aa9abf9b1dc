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

    @Test("the deep forecaster (instant) lowers its windowed MSE at least tenfold for K = 1, 2, 4",
          arguments: [1, 2, 4], RecurrentGradientMode.allCases)
    func deepSinusoidMixtureForecast(blocks: Int, mode: RecurrentGradientMode) {
        deepForecast(.init(inputCount: 4, width: 16, blockCount: blocks, stateCount: 16, gradientMode: mode))
    }

    @Test("the deep forecaster (reversible, additive coupling) lowers its windowed MSE at least tenfold for K = 1, 2, 4",
          arguments: [1, 2, 4], RecurrentGradientMode.allCases)
    func reversibleSinusoidMixtureForecast(blocks: Int, mode: RecurrentGradientMode) {
        deepForecast(.init(
            inputCount: 4, width: 16, blockCount: blocks, stateCount: 16, gradientMode: mode, scheme: .reversible,
            coupling: .additive))
    }

    @Test("the deep forecaster (pipelined) lowers its windowed MSE at least tenfold for K = 1, 2, 4",
          arguments: [1, 2, 4], RecurrentGradientMode.allCases)
    func pipelinedSinusoidMixtureForecast(blocks: Int, mode: RecurrentGradientMode) {
        deepForecast(.init(inputCount: 4, width: 16, blockCount: blocks, stateCount: 16, gradientMode: mode, scheme: .pipelined))
    }

    func deepForecast(_ configuration: DeepForecasterConfiguration) {
        let (steps, window) = (20_000, 1_000)
        let (blocks, mode, scheme) = (configuration.blockCount, configuration.gradientMode, configuration.scheme)
        let stream = sinusoidMixture(steps: steps + 1, channels: 4).map { $0.map { Float($0) } }
        let learner = HamiltonianLearner(
            model: DeepForecaster<Float>(configuration),
            // The agent's default clip: without it, K = 4 with traces diverged at step 580 at this β.
            configuration: .init(beta: 0.01, eta: 1, gradientClip: 1), seed: 1)
        var windows: [Double] = []
        var sum = 0.0
        for t in 0..<steps {
            sum += Double(learner.step(input: stream[t], target: stream[t + 1]))
            if (t + 1) % window == 0 {
                windows.append(sum / Double(window))
                sum = 0
            }
        }
        print("deep \(scheme) K = \(blocks), \(mode): windowed MSE \(windows.first!) → \(windows.last!), ×\(windows.first! / windows.last!)")
        #expect(learner.nonFiniteLosses == 0)
        #expect(windows.first! / windows.last! >= 10, "windowed MSE went from \(windows.first!) to \(windows.last!)")
    }
}
