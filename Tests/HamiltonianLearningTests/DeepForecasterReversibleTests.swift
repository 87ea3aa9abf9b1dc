import HamiltonianLearning
import Testing

/// The `reversible` scheme against the same coupled network with stored activations (`instant`).
@Suite struct DeepForecasterReversibleTests {
    static func configuration(blocks: Int, scheme: DepthScheme, mode: RecurrentGradientMode = .traces) -> DeepForecasterConfiguration {
        DeepForecasterConfiguration(
            inputCount: 3, width: 8, blockCount: blocks, stateCount: 6, hiddenCount: 8, outputCount: 3, gradientMode: mode,
            scheme: scheme, coupling: .additive)
    }

    @Test("reversible gradients equal stored-activation gradients, K = 8, while learning (≤ 1e-9 in Double)",
          arguments: RecurrentGradientMode.allCases)
    func equalsStoredActivations(mode: RecurrentGradientMode) {
        let stream = sinusoidMixture(steps: 301, channels: 3)
        let learners = [DepthScheme.instant, .reversible].map { scheme in
            ReferenceLearner(
                model: DeepForecaster<Double>(Self.configuration(blocks: 8, scheme: scheme, mode: mode)),
                optimizer: StochasticGradientDescent<Double>(learningRate: 0.01, momentum: 0.5), seed: 5)
        }
        var worst = 0.0
        for t in 0..<300 {
            for learner in learners { learner.step(input: stream[t], target: t % 7 == 6 ? nil : stream[t + 1]) }
            worst = max(worst, maxAbsDifference(learners[0].gradient.array, learners[1].gradient.array))
        }
        let layout = learners[0].model.layout
        let moved = maxAbsDifference(
            learners[0].parameters.array,
            ReferenceLearner(
                model: DeepForecaster<Double>(Self.configuration(blocks: 8, scheme: .instant, mode: mode)),
                optimizer: StochasticGradientDescent<Double>(learningRate: 0), seed: 5).parameters.array)
        print("reversible vs stored activations, K = 8, \(mode): max |Δg| over 300 steps = \(worst); weights moved \(moved)")
        #expect(worst <= 1e-9)
        #expect(maxAbsDifference(learners[0].parameters.array, learners[1].parameters.array) <= 1e-9)
        #expect(moved > 1e-2, "the weights must have moved for the comparison to mean anything")
        // The lowest block gets a real gradient, so the rebuilt inputs are used all the way down.
        #expect(learners[1].gradient.values(of: layout.tensor(named: "blocks.0.first.recurrent.D")!).map(abs).max()! > 1e-6)
    }

    @Test("the backward sweep's activations do not grow with K under reversible (K = 2 and 16)")
    func memoryIndependentOfDepth() {
        func count(_ blocks: Int, _ scheme: DepthScheme) -> Int {
            DeepForecaster<Float>(Self.configuration(blocks: blocks, scheme: scheme)).depthActivationScalarCount
        }
        print("depth activations (scalars): instant K = 2: \(count(2, .instant)), K = 16: \(count(16, .instant)); "
              + "reversible K = 2: \(count(2, .reversible)), K = 16: \(count(16, .reversible))")
        #expect(count(2, .reversible) == count(16, .reversible))
        #expect(count(16, .instant) > count(2, .instant), "the stored-activation scheme does grow: the comparison can fail")
    }

    /// The rebuilding runs through depth within one step, from that step's forward output; no
    /// rebuilt value is carried to the next step (the states are kept, not inverted), so its error
    /// cannot accumulate over time: it is the round-off of 2K half-updates, amplified by F's gain.
    /// A one-off run of this setting over 10^6 steps (debug build, 2026-12-03) gave a largest error
    /// of 7.7e-6 (in the first 10^5 steps) and 4.6e-6…6.5e-6 in each later 10^5: no growth.
    @Test("Float: the rebuilt x_0 stays within 1e-4 of the forward's over 2·10^4 learning steps (K = 8)")
    func floatReconstruction() {
        let steps = 20_000
        let model = DeepForecaster<Float>(Self.configuration(blocks: 8, scheme: .reversible))
        let learner = HamiltonianLearner(model: model, configuration: .init(beta: 0.01, eta: 1, gradientClip: 1), seed: 3)
        let stream = sinusoidMixture(steps: 2_001, channels: 3).map { $0.map { Float($0) } }
        let x0 = ScalarBuffer<Float>(count: 8)
        var (worst, largest) = (Float(0), Float(0))
        for t in 0..<steps {
            let (input, target) = (stream[t % 2_000], stream[t % 2_000 + 1])
            input.withUnsafeBufferPointer {
                model.inputProjection.forward(input: $0.baseAddress!, parameters: learner.parameters.pointer, preactivation: x0.pointer, output: x0.pointer)
            }
            learner.step(input: input, target: target)
            for c in 0..<8 {
                worst = max(worst, abs(model.stream[0][c] - x0[c]))
                largest = max(largest, abs(x0[c]))
            }
        }
        print("reversible Float reconstruction over \(steps) steps, K = 8: max |x̂_0 − x_0| = \(worst), max |x_0| = \(largest)")
        #expect(learner.nonFiniteLosses == 0)
        #expect(worst <= 1e-4)
    }
}
