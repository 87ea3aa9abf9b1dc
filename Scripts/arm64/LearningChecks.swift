// HL = SGD against PyTorch's own numbers, and exact traces = BPTT: the x86 tests
// TorchSGDFixtureTests and GradientCheckTests.tracesEqualBPTT, with the same bounds.

import RealModule
import SeededRandom

struct TorchSGDSetting {
    let name: String
    let learningRate, momentum, dampening, tau: Double
    let final: [Double]
}

extension CoreChecks {
    static func checkTorchSGD() {
        for setting in TorchSGDFixture.settings {
            let weights = trainOnFixture(setting, ordering: .backpropagation)
            let name = "HL (BP ordering) = torch.optim.SGD \(setting.name), 200 steps, Double"
            expect(name, "max |HL − torch|", maxAbsDifference(weights, setting.final), atMost: 1e-12)
            expect(name, "max |initial − torch| (the weights moved)", maxAbsDifference(TorchSGDFixture.initial, setting.final),
                   atMost: 1e-3, above: true)
        }
        let setting = TorchSGDFixture.settings.first { $0.name == "Mom-a" }!
        expect("control: the paper's local ordering against torch Mom-a", "max |HL − torch|",
               maxAbsDifference(trainOnFixture(setting, ordering: .local), setting.final), atMost: 1e-6, above: true)
    }

    static func trainOnFixture(_ setting: TorchSGDSetting, ordering: UpdateOrdering) -> [Double] {
        var configuration = HamiltonianConfiguration.sgd(
            learningRate: setting.learningRate, momentum: setting.momentum, dampening: setting.dampening, tau: setting.tau)
        configuration.ordering = ordering
        let learner = HamiltonianLearner(
            model: MultilayerPerceptron<Double>(.init(inputCount: 4, hiddenCounts: [30], outputCount: 3, activation: .tanh)),
            configuration: configuration, loss: .softmaxCrossEntropy)
        learner.setParameters(TorchSGDFixture.initial)
        for (input, label) in zip(TorchSGDFixture.inputs, TorchSGDFixture.labels) {
            var target = [0.0, 0.0, 0.0]
            target[label] = 1
            learner.step(input: input, target: target)
        }
        return learner.parameters.array
    }

    static let smallForecaster = ForecasterConfiguration(
        inputCount: 3, stateCount: 4, hiddenCount: 5, outputCount: 2, activation: .tanh, gradientMode: .traces,
        minimumRadius: 0.6, maximumRadius: 0.95, maximumPhase: 1.0)

    /// ∂L/∂θ at the last of `inputs` with frozen weights θ, by the exact traces (`window` nil) or
    /// by BPTT over `window` steps.
    static func forecasterGradient<T: Real & BinaryFloatingPoint>(
        _: T.Type, theta: [Double], inputs: [[Double]], target: [Double], window: Int?
    ) -> [Double] {
        let learner = ReferenceLearner(
            model: Forecaster<T>(smallForecaster), optimizer: StochasticGradientDescent<T>(learningRate: 0), bpttWindow: window)
        learner.setParameters(theta.map { T($0) })
        for u in inputs.dropLast() { learner.step(input: u.map { T($0) }, target: nil) }
        learner.forward(input: inputs.last!.map { T($0) })
        _ = target.map { T($0) }.withUnsafeBufferPointer { learner.computeGradient(target: $0.baseAddress!) }
        return learner.gradient.array.map { Double($0) }
    }

    static func checkTracesAgainstBPTT() {
        let theta = HamiltonianLearner(model: Forecaster<Double>(smallForecaster), configuration: .init(), seed: 4).parameters.array
        var generator = SeededGenerator(seed: 8)
        let inputs = (0..<12).map { _ in gaussians(3, &generator) }
        let target = [1.0, 0.0]
        let bptt = forecasterGradient(Double.self, theta: theta, inputs: inputs, target: target, window: 12)
        let traces = forecasterGradient(Double.self, theta: theta, inputs: inputs, target: target, window: nil)
        let name = "forecaster (N 4, 12 steps): exact traces = BPTT over the whole window"
        expect(name + ", Double", "max |traces − BPTT|", maxAbsDifference(traces, bptt), atMost: 1e-9)
        var recurrent = 0.0
        let layout = Forecaster<Double>(smallForecaster).layout
        for tensor in ["recurrent.nu_log", "recurrent.phase_log", "recurrent.B_re", "recurrent.B_im"] {
            for i in layout.tensor(named: tensor)!.range { recurrent = max(recurrent, abs(bptt[i])) }
        }
        expect(name, "max |∂L/∂(λ, B)| by BPTT (the recurrent path is exercised)", recurrent, atMost: 1e-4, above: true)
        let single = forecasterGradient(Float.self, theta: theta, inputs: inputs, target: target, window: nil)
        expect(name + ", Float traces against the Double BPTT", "max |traces − BPTT|", maxAbsDifference(single, bptt), atMost: 1e-5)
        let truncated = forecasterGradient(Double.self, theta: theta, inputs: inputs, target: target, window: 2)
        expect("control: BPTT truncated to 2 steps against the full window", "max |difference|",
               maxAbsDifference(truncated, bptt), atMost: 1e-6, above: true)
    }
}
