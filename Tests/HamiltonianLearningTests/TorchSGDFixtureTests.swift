import Foundation
import HamiltonianLearning
import Testing

/// Design note §6.1 against PyTorch itself: weights trained by `torch.optim.SGD` in float64
/// (committed by Scripts/make_sgd_fixture.py) equal the Hamiltonian learner's, weight for weight.
@Suite struct TorchSGDFixtureTests {
    struct Fixture: Decodable {
        struct Setting: Decodable {
            let learning_rate, momentum, dampening, tau: Double
            let final: [Double]
        }
        let inputs: [[Double]]
        let labels: [Int]
        let initial: [Double]
        let settings: [String: Setting]
    }

    static func load() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "torch_sgd", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test("HL with BP ordering reproduces torch.optim.SGD (≤ 1e-12 in Double after 200 steps)",
          arguments: ["GD-a", "GD-b", "Mom-a", "Mom-b"])
    func matchesTorch(name: String) throws {
        let fixture = try Self.load()
        let setting = try #require(fixture.settings[name])
        let learner = HamiltonianLearner(
            model: MultilayerPerceptron<Double>(.init(inputCount: 4, hiddenCounts: [30], outputCount: 3, activation: .tanh)),
            configuration: .sgd(
                learningRate: setting.learning_rate, momentum: setting.momentum, dampening: setting.dampening,
                tau: setting.tau),
            loss: .softmaxCrossEntropy)
        learner.setParameters(fixture.initial)
        for (input, label) in zip(fixture.inputs, fixture.labels) {
            var target = [0.0, 0.0, 0.0]
            target[label] = 1
            learner.step(input: input, target: target)
        }
        #expect(maxAbsDifference(fixture.initial, setting.final) > 1e-3, "torch moved the weights")
        #expect(maxAbsDifference(learner.parameters.array, setting.final) <= 1e-12)
    }

    @Test("the paper's local ordering is not SGD: the comparison can fail")
    func localOrderingDiffers() throws {
        let fixture = try Self.load()
        let setting = try #require(fixture.settings["Mom-a"])
        var configuration = HamiltonianConfiguration.sgd(
            learningRate: setting.learning_rate, momentum: setting.momentum, dampening: setting.dampening, tau: setting.tau)
        configuration.ordering = .local
        let learner = HamiltonianLearner(
            model: MultilayerPerceptron<Double>(.init(inputCount: 4, hiddenCounts: [30], outputCount: 3, activation: .tanh)),
            configuration: configuration, loss: .softmaxCrossEntropy)
        learner.setParameters(fixture.initial)
        for (input, label) in zip(fixture.inputs, fixture.labels) {
            var target = [0.0, 0.0, 0.0]
            target[label] = 1
            learner.step(input: input, target: target)
        }
        #expect(maxAbsDifference(learner.parameters.array, setting.final) > 1e-6)
    }
}
