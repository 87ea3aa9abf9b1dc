import Foundation
import HamiltonianLearning
import RealModule
import Testing

/// The deep forecaster's `instant` scheme against PyTorch autograd (fixture written by
/// Scripts/make_deep_fixture.py in float64, from its own implementation of the same network).
@Suite struct DeepForecasterTorchTests {
    struct Fixture: Decodable {
        struct Shape: Decodable { let inputs, width, state, hidden, blocks, outputs: Int }
        struct Setting: Decodable {
            let learning_rate, momentum, dampening, tau: Double
            let final: [String: [Double]]
        }
        struct Window: Decodable {
            let inputs: [[Double]]
            let target: [Double]
            let full, blockwise: [String: [Double]]
        }
        let shape: Shape
        let initial: [String: [Double]]
        let inputs, targets: [[Double]]
        let sgd: [String: Setting]
        let bptt: Window
    }

    static func load() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "torch_deep", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func configuration(_ shape: Fixture.Shape, mode: RecurrentGradientMode, detachesState: Bool)
        -> DeepForecasterConfiguration
    {
        DeepForecasterConfiguration(
            inputCount: shape.inputs, width: shape.width, blockCount: shape.blocks, stateCount: shape.state,
            hiddenCount: shape.hidden, outputCount: shape.outputs, gradientMode: mode, detachesState: detachesState)
    }

    /// θ in `layout`'s order from tensors named as in the fixture: every name must match, both ways.
    static func flatten(_ named: [String: [Double]], layout: ParameterLayout) throws -> [Double] {
        #expect(Set(named.keys) == Set(layout.tensors.map(\.name)), "parameter names differ from PyTorch's")
        var theta = [Double](repeating: .nan, count: layout.count)
        for tensor in layout.tensors {
            let values = try #require(named[tensor.name])
            try #require(values.count == tensor.count, "\(tensor.name): \(values.count) values for shape \(tensor.shape)")
            theta.replaceSubrange(tensor.range, with: values)
        }
        return theta
    }

    func train<T: BinaryFloatingPoint & Real>(
        _ fixture: Fixture, setting: Fixture.Setting, mode: RecurrentGradientMode, as: T.Type
    ) throws -> (trained: [T], torch: [T], initial: [T]) {
        let model = DeepForecaster<T>(Self.configuration(fixture.shape, mode: mode, detachesState: true))
        let learner = HamiltonianLearner(
            model: model,
            configuration: .sgd(
                learningRate: setting.learning_rate, momentum: setting.momentum, dampening: setting.dampening,
                tau: setting.tau))
        let initial = try Self.flatten(fixture.initial, layout: model.layout).map { T($0) }
        learner.setParameters(initial)
        for (input, target) in zip(fixture.inputs, fixture.targets) {
            learner.step(input: input.map { T($0) }, target: target.map { T($0) })
        }
        let torch = try Self.flatten(setting.final, layout: model.layout).map { T($0) }
        return (learner.parameters.array, torch, initial)
    }

    @Test("instant, state detached, equals autograd + torch.optim.SGD on K = 3 (≤ 1e-12 in Double after 200 steps)",
          arguments: ["GD-a", "Mom-b"], RecurrentGradientMode.allCases)
    func double(name: String, mode: RecurrentGradientMode) throws {
        let fixture = try Self.load()
        let setting = try #require(fixture.sgd[name])
        let (trained, torch, initial) = try train(fixture, setting: setting, mode: mode, as: Double.self)
        #expect(maxAbsDifference(initial, torch) > 1e-2, "torch moved the weights")
        let difference = maxAbsDifference(trained, torch)
        print("deep vs torch, \(name), \(mode), Double: max |Δθ| = \(difference)")
        #expect(difference <= 1e-12)
    }

    @Test("the same in Float (≤ 1e-5 relative, floor 1e-2, after 200 steps)",
          arguments: ["GD-a", "Mom-b"], RecurrentGradientMode.allCases)
    func float(name: String, mode: RecurrentGradientMode) throws {
        let fixture = try Self.load()
        let setting = try #require(fixture.sgd[name])
        let (trained, torch, _) = try train(fixture, setting: setting, mode: mode, as: Float.self)
        let difference = maxRelativeDifference(trained, torch, floor: 1e-2)
        let layout = DeepForecaster<Float>(Self.configuration(fixture.shape, mode: mode, detachesState: true)).layout
        let worst = layout.tensors.max {
            maxRelativeDifference(Array(trained[$0.range]), Array(torch[$0.range]), floor: 1e-2)
                < maxRelativeDifference(Array(trained[$1.range]), Array(torch[$1.range]), floor: 1e-2)
        }!
        print("deep vs torch, \(name), \(mode), Float: max relative |Δθ| = \(difference) (in \(worst.name))")
        #expect(difference <= 1e-5)
    }

    @Test("a state that is not detached is not the autograd run: the comparison can fail")
    func notDetachedDiffers() throws {
        let fixture = try Self.load()
        let setting = try #require(fixture.sgd["GD-a"])
        let model = DeepForecaster<Double>(Self.configuration(fixture.shape, mode: .traces, detachesState: false))
        let learner = HamiltonianLearner(model: model, configuration: .sgd(learningRate: setting.learning_rate))
        learner.setParameters(try Self.flatten(fixture.initial, layout: model.layout))
        for (input, target) in zip(fixture.inputs, fixture.targets) { learner.step(input: input, target: target) }
        #expect(maxAbsDifference(learner.parameters.array, try Self.flatten(setting.final, layout: model.layout)) > 1e-6)
    }

    /// ∂L/∂θ of the window's last sample, frozen weights, state from zero, exact traces.
    static func tracesGradient(_ fixture: Fixture) throws -> (gradient: [Double], layout: ParameterLayout) {
        let model = DeepForecaster<Double>(configuration(fixture.shape, mode: .traces, detachesState: false))
        let learner = ReferenceLearner(model: model, optimizer: StochasticGradientDescent<Double>(learningRate: 0))
        learner.setParameters(try flatten(fixture.initial, layout: model.layout))
        for u in fixture.bptt.inputs.dropLast() { learner.step(input: u, target: nil) }
        learner.forward(input: fixture.bptt.inputs.last!)
        _ = fixture.bptt.target.withUnsafeBufferPointer { learner.computeGradient(target: $0.baseAddress!) }
        return (learner.gradient.array, model.layout)
    }

    @Test("instant + traces equals BPTT through each block's own recurrence (autograd, ≤ 1e-9)")
    func tracesEqualBlockwiseBPTT() throws {
        let fixture = try Self.load()
        let (gradient, layout) = try Self.tracesGradient(fixture)
        let blockwise = try Self.flatten(fixture.bptt.blockwise, layout: layout)
        let difference = maxAbsDifference(gradient, blockwise)
        print("deep traces vs blockwise BPTT: max |Δg| = \(difference)")
        #expect(difference <= 1e-9)
    }

    @Test("instant + traces equals full BPTT for the read-out, skip and top block; not below (≤ 1e-9 / > 1e-3)")
    func tracesAgainstFullBPTT() throws {
        let fixture = try Self.load()
        let (gradient, layout) = try Self.tracesGradient(fixture)
        let full = try Self.flatten(fixture.bptt.full, layout: layout)
        let top = "blocks.\(fixture.shape.blocks - 1)."
        var exact: [Double] = [], reference: [Double] = [], lower: [Double] = [], lowerReference: [Double] = []
        for tensor in layout.tensors {
            if tensor.name.hasPrefix(top) || tensor.name.hasPrefix("readout.") || tensor.name.hasPrefix("skip.") {
                exact += gradient[tensor.range]
                reference += full[tensor.range]
            } else {
                lower += gradient[tensor.range]
                lowerReference += full[tensor.range]
            }
        }
        #expect(maxAbsDifference(exact, reference) <= 1e-9)
        // What the instant scheme leaves out (paths through upper blocks' past states) is not small.
        #expect(maxAbsDifference(lower, lowerReference) > 1e-3)
    }
}
