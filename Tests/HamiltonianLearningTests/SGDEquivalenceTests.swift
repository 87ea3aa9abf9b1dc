import HamiltonianLearning
import RealModule
import Testing

/// Design note §3 and §6.1–6.2: HL on an output net with BP ordering is SGD with momentum.
@Suite struct SGDEquivalenceTests {
    struct Setting: Sendable, CustomStringConvertible {
        let name: String
        let learningRate, momentum, dampening, tau: Double
        var description: String { name }
    }

    /// The paper's four settings (§3).
    static let settings = [
        Setting(name: "GD-a", learningRate: 0.01, momentum: 0, dampening: 0, tau: 1),
        Setting(name: "GD-b", learningRate: 0.001, momentum: 0, dampening: 0, tau: 0.5),
        Setting(name: "Mom-a", learningRate: 0.01, momentum: 0.05, dampening: 0.6, tau: 1),
        Setting(name: "Mom-b", learningRate: 0.01, momentum: 0.1, dampening: 0.5, tau: 0.5),
    ]

    static let configuration = MLPConfiguration(inputCount: 4, hiddenCounts: [30], outputCount: 3, activation: .tanh)

    func trainBoth<T>(_ setting: Setting, as: T.Type, steps: Int) -> (hl: [T], sgd: [T])
    where T: BinaryFloatingPoint & Real {
        let data = clusteredSamples(count: steps, seed: 7)
        let hl = HamiltonianLearner(
            model: MultilayerPerceptron<T>(Self.configuration),
            configuration: .sgd(
                learningRate: setting.learningRate, momentum: setting.momentum, dampening: setting.dampening,
                tau: setting.tau),
            loss: .softmaxCrossEntropy, seed: 3)
        let sgd = ReferenceLearner(
            model: MultilayerPerceptron<T>(Self.configuration),
            optimizer: StochasticGradientDescent<T>(
                learningRate: T(setting.learningRate), momentum: T(setting.momentum), dampening: T(setting.dampening)),
            loss: .softmaxCrossEntropy, seed: 3)
        for (input, target) in data {
            hl.step(input: input.map { T($0) }, target: target.map { T($0) })
            sgd.step(input: input.map { T($0) }, target: target.map { T($0) })
        }
        return (hl.parameters.array, sgd.parameters.array)
    }

    @Test("HL equals SGD weight for weight in Double (≤ 1e-12 after 200 steps)", arguments: settings)
    func double(setting: Setting) {
        let (hl, sgd) = trainBoth(setting, as: Double.self, steps: 200)
        let initial = MultilayerPerceptronProbe.initialParameters(Self.configuration, seed: 3)
        #expect(maxAbsDifference(hl, initial) > 1e-3, "the weights must have moved for the comparison to mean anything")
        #expect(maxAbsDifference(hl, sgd) <= 1e-12)
    }

    @Test("HL equals SGD in Float (≤ 1e-5 relative after 200 steps)", arguments: settings)
    func float(setting: Setting) {
        let (hl, sgd) = trainBoth(setting, as: Float.self, steps: 200)
        #expect(maxRelativeDifference(hl, sgd, floor: 1e-2) <= 1e-5)
    }

    @Test("η = 1/τ, or ω reset every step, gives plain SGD")
    func plainSGD() {
        let data = clusteredSamples(count: 200, seed: 11)
        let tau = 0.5, learningRate = 0.02
        let dissipative = HamiltonianConfiguration(
            tau: tau, beta: learningRate / tau, eta: 1 / tau, phi: .constant(1 / tau))
        var resetting = HamiltonianConfiguration(tau: tau, beta: learningRate / tau, eta: 0.3, phi: .constant(1 / tau))
        resetting.resetsWeightCostateEachStep = true
        var finals: [[Double]] = []
        for configuration in [dissipative, resetting] {
            let hl = HamiltonianLearner(
                model: MultilayerPerceptron<Double>(Self.configuration), configuration: configuration,
                loss: .softmaxCrossEntropy, seed: 5)
            for (input, target) in data { hl.step(input: input, target: target) }
            finals.append(hl.parameters.array)
        }
        let sgd = ReferenceLearner(
            model: MultilayerPerceptron<Double>(Self.configuration),
            optimizer: StochasticGradientDescent<Double>(learningRate: learningRate), loss: .softmaxCrossEntropy, seed: 5)
        for (input, target) in data { sgd.step(input: input, target: target) }
        #expect(maxAbsDifference(finals[0], sgd.parameters.array) <= 1e-12)
        #expect(maxAbsDifference(finals[1], sgd.parameters.array) <= 1e-12)
    }
}

enum MultilayerPerceptronProbe {
    static func initialParameters(_ configuration: MLPConfiguration, seed: UInt64) -> [Double] {
        HamiltonianLearner(model: MultilayerPerceptron<Double>(configuration), configuration: .init(), seed: seed)
            .parameters.array
    }
}
