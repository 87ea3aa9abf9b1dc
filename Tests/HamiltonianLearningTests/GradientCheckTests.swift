import HamiltonianLearning
import Testing

/// Every layer's backward pass against central finite differences, in Double.
@Suite struct GradientCheckTests {
    /// Central difference of `f` along each coordinate of `point`.
    static func numericalGradient(at point: [Double], epsilon: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
        (0..<point.count).map { i in
            var plus = point, minus = point
            plus[i] += epsilon
            minus[i] -= epsilon
            return (f(plus) - f(minus)) / (2 * epsilon)
        }
    }

    @Test("loss gradients match finite differences", arguments: LossFunction.allCases)
    func lossGradient(loss: LossFunction) {
        let prediction = [0.3, -1.2, 2.0, 0.1]
        let target = loss == .meanSquaredError ? [0.5, -1.0, 1.0, 0.0] : [0.0, 0.0, 1.0, 0.0]
        func value(_ y: [Double]) -> Double {
            var scratch = [Double](repeating: 0, count: y.count)
            return loss.evaluate(prediction: y, target: target, count: y.count, gradientScale: 1, gradient: &scratch)
        }
        var analytic = [Double](repeating: 0, count: 4)
        _ = loss.evaluate(prediction: prediction, target: target, count: 4, gradientScale: 1, gradient: &analytic)
        #expect(maxAbsDifference(analytic, Self.numericalGradient(at: prediction, value)) <= 1e-8)
    }

    @Test("MLP backward matches finite differences", arguments: Activation.allCases)
    func mlp(activation: Activation) {
        let configuration = MLPConfiguration(inputCount: 3, hiddenCounts: [5, 4], outputCount: 2, activation: activation)
        let learner = ReferenceLearner(
            model: MultilayerPerceptron<Double>(configuration), optimizer: StochasticGradientDescent<Double>(learningRate: 0),
            seed: 2)
        let theta = learner.parameters.array
        let input = [0.4, -0.7, 1.1], target = [0.2, -0.3]
        learner.forward(input: input)
        _ = learner.computeGradient(target: target)
        let analytic = learner.gradient.array
        let numeric = Self.numericalGradient(at: theta) { point in
            learner.setParameters(point)
            return learner.step(input: input, target: target)
        }
        #expect(maxAbsDifference(analytic, numeric) <= 1e-7)
    }

    /// L and ∂L/∂θ at step k of a forecaster started from h = 0 with frozen weights θ.
    static func forecasterLossAndGradient(
        _ configuration: ForecasterConfiguration, theta: [Double], inputs: [[Double]], target: [Double],
        bpttWindow: Int? = nil
    ) -> (loss: Double, gradient: [Double]) {
        let learner = ReferenceLearner(
            model: Forecaster<Double>(configuration), optimizer: StochasticGradientDescent<Double>(learningRate: 0),
            bpttWindow: bpttWindow)
        learner.setParameters(theta)
        for u in inputs.dropLast() { learner.step(input: u, target: nil) }
        learner.forward(input: inputs.last!)
        let loss = learner.computeGradient(target: target)
        return (loss, learner.gradient.array)
    }

    static func forecasterGradient(
        _ configuration: ForecasterConfiguration, theta: [Double], inputs: [[Double]], target: [Double],
        bpttWindow: Int? = nil
    ) -> [Double] {
        forecasterLossAndGradient(configuration, theta: theta, inputs: inputs, target: target, bpttWindow: bpttWindow).gradient
    }

    static let smallForecaster = ForecasterConfiguration(
        inputCount: 3, stateCount: 4, hiddenCount: 5, outputCount: 2, activation: .tanh, gradientMode: .traces,
        minimumRadius: 0.6, maximumRadius: 0.95, maximumPhase: 1.0)

    @Test("exact traces match finite differences through the recurrence")
    func tracesAgainstFiniteDifferences() {
        let configuration = Self.smallForecaster
        let theta = HamiltonianLearner(model: Forecaster<Double>(configuration), configuration: .init(), seed: 9)
            .parameters.array
        let inputs = randomVectors(count: 7, size: 3, seed: 1)
        let target = [0.5, -0.25]
        let analytic = Self.forecasterGradient(configuration, theta: theta, inputs: inputs, target: target)
        let numeric = Self.numericalGradient(at: theta) {
            Self.forecasterLossAndGradient(configuration, theta: $0, inputs: inputs, target: target).loss
        }
        #expect(maxAbsDifference(analytic, numeric) <= 1e-7)
        // λ and B receive a non-trivial gradient, so the check covers the recurrent path.
        let layout = Forecaster<Double>(configuration).layout
        for name in ["recurrent.nu_log", "recurrent.phase_log", "recurrent.B_re", "recurrent.B_im"] {
            let range = layout.tensor(named: name)!.range
            #expect(analytic[range].map(abs).max()! > 1e-4, "\(name) gradient is trivially small")
        }
    }

    @Test("exact traces equal BPTT over a frozen-weight window (≤ 1e-9)")
    func tracesEqualBPTT() {
        let configuration = Self.smallForecaster
        let theta = HamiltonianLearner(model: Forecaster<Double>(configuration), configuration: .init(), seed: 4)
            .parameters.array
        let inputs = randomVectors(count: 12, size: 3, seed: 8)
        let target = [1.0, 0.0]
        let traces = Self.forecasterGradient(configuration, theta: theta, inputs: inputs, target: target)
        let bptt = Self.forecasterGradient(configuration, theta: theta, inputs: inputs, target: target, bpttWindow: 12)
        #expect(maxAbsDifference(traces, bptt) <= 1e-9)
        // A window shorter than the history truncates: the comparison above can fail.
        let truncated = Self.forecasterGradient(configuration, theta: theta, inputs: inputs, target: target, bpttWindow: 2)
        #expect(maxAbsDifference(traces, truncated) > 1e-6)
    }
}
