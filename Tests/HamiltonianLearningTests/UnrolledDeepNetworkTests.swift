import HamiltonianLearning
import RealModule
import Testing

/// The truncated-BPTT peer of the deep schemes (`UnrolledDeepNetwork`), in Double: one step equals
/// the deep forecaster's own detached gradient, and a chunk's gradient equals central finite
/// differences of the chunk's summed loss, through time and depth.
@Suite struct UnrolledDeepNetworkTests {
    static func configuration(coupling: BlockCoupling, blocks: Int) -> DeepForecasterConfiguration {
        var configuration = DeepForecasterGradientTests.configuration
        configuration.blockCount = blocks
        configuration.coupling = coupling
        return configuration
    }

    @Test("a chunk of one step: outputs and ∂L/∂θ equal the deep forecaster's with its state detached (≤ 1e-12)",
          arguments: [(BlockCoupling.residual, 2), (.additive, 2)])
    func oneStepEqualsDetachedInstant(coupling: BlockCoupling, blocks: Int) {
        var configuration = Self.configuration(coupling: coupling, blocks: blocks)
        configuration.detachesState = true
        let model = DeepForecaster<Double>(configuration)
        let theta = ScalarBuffer(DeepForecasterGradientTests.parameters(model, seed: 41))
        model.parametersDidChange(theta.pointer)
        let network = UnrolledDeepNetwork(model: model, capacity: 1)
        let inputs = randomVectors(count: 6, size: 3, seed: 42), targets = randomVectors(count: 6, size: 2, seed: 43)
        var worstOutput = 0.0, worstGradient = 0.0
        for (u, target) in zip(inputs, targets) {
            var expected = [0.0, 0.0], actual = expected, gy = expected
            model.forward(input: u, parameters: theta.pointer, output: &expected)
            network.forward(input: u, parameters: theta.pointer, output: &actual)
            worstOutput = max(worstOutput, maxAbsDifference(expected, actual))
            _ = LossFunction.meanSquaredError.evaluate(prediction: expected, target: target, count: 2, gradientScale: 1, gradient: &gy)
            var own = [Double](repeating: 0, count: theta.count), unrolled = own
            network.record(outputGradient: gy)
            network.backward(parameters: theta.pointer, gradient: &unrolled)
            model.backward(parameters: theta.pointer, outputGradient: &gy, gradient: &own, step: EulerStep(tau: 1, eta: 0))
            worstGradient = max(worstGradient, maxAbsDifference(own, unrolled))
        }
        print("unrolled (chunk 1, \(coupling)) vs the deep forecaster detached: max |Δy| = \(worstOutput), max |Δg| = \(worstGradient)")
        #expect(worstOutput <= 1e-12)
        #expect(worstGradient <= 1e-12)
    }

    /// Σ_s L_s over `inputs` from `state`, at θ.
    static func chunkLoss(_ network: UnrolledDeepNetwork<Double>, theta: [Double], state: [Double], inputs: [[Double]], targets: [[Double]]) -> Double {
        network.state.assign(state)
        var total = 0.0
        var y = [Double](repeating: 0, count: targets[0].count), gy = y
        for (u, target) in zip(inputs, targets) {
            network.forward(input: u, parameters: theta, output: &y)
            total += LossFunction.meanSquaredError.evaluate(prediction: y, target: target, count: y.count, gradientScale: 1, gradient: &gy)
            network.record(outputGradient: gy)
        }
        var discarded = [Double](repeating: 0, count: theta.count)
        network.backward(parameters: theta, gradient: &discarded)  // empties the chunk
        return total
    }

    @Test("a chunk of five steps: ∂(Σ L)/∂θ through time and depth equals finite differences (≤ 1e-7)",
          arguments: [(BlockCoupling.residual, 2), (.additive, 1)])
    func chunkEqualsFiniteDifferences(coupling: BlockCoupling, blocks: Int) {
        let model = DeepForecaster<Double>(Self.configuration(coupling: coupling, blocks: blocks))
        let theta = DeepForecasterGradientTests.parameters(model, seed: 51)
        model.parametersDidChange(ScalarBuffer(theta).pointer)
        let network = UnrolledDeepNetwork(model: model, capacity: 5)
        let inputs = randomVectors(count: 5, size: 3, seed: 52), targets = randomVectors(count: 5, size: 2, seed: 53)
        let state = randomVectors(count: 1, size: network.state.count, seed: 54, scale: 0.5)[0]
        network.state.assign(state)
        var y = [0.0, 0.0], gy = y
        for (u, target) in zip(inputs, targets) {
            network.forward(input: u, parameters: theta, output: &y)
            _ = LossFunction.meanSquaredError.evaluate(prediction: y, target: target, count: 2, gradientScale: 1, gradient: &gy)
            network.record(outputGradient: gy)
        }
        var analytic = [Double](repeating: .nan, count: theta.count)
        network.backward(parameters: theta, gradient: &analytic)
        let numeric = GradientCheckTests.numericalGradient(at: theta) {
            Self.chunkLoss(network, theta: $0, state: state, inputs: inputs, targets: targets)
        }
        let difference = maxAbsDifference(analytic, numeric)
        print("unrolled chunk of 5 (\(coupling), \(model.blocks.count) units) vs finite differences: max |Δg| = \(difference)")
        #expect(difference <= 1e-7)
        // Credit through time reaches every unit's λ and B, which a chunk of one step cannot give.
        for block in model.blocks {
            for suffix in ["recurrent.nu_log", "recurrent.phase_log", "recurrent.B_re", "recurrent.B_im"] {
                let range = model.layout.tensor(named: "\(block.name).\(suffix)")!.range
                #expect(analytic[range].map(abs).max()! > 1e-4, "\(block.name).\(suffix) gradient is trivially small")
            }
        }
    }

    @Test("Adam on chunks of 16 steps lowers the one-step error on a sinusoid mixture ≥ 10× (Float)")
    func learns() {
        let model = DeepForecaster<Float>(DeepForecasterConfiguration(inputCount: 4, width: 16, blockCount: 2, stateCount: 16))
        let learner = TruncatedDeepLearner(
            model: model, optimizer: AdaptiveMomentEstimation<Float>(learningRate: 3e-3), window: 16, seed: 1)
        let stream = sinusoidMixture(steps: 6_001, channels: 4).map { $0.map(Float.init) }
        var early: Float = 0, late: Float = 0
        for t in 0..<6_000 {
            let loss = learner.step(input: stream[t], target: stream[t + 1])
            if t < 500 { early += loss } else if t >= 5_500 { late += loss }
        }
        print("truncated deep learner: mean loss \(early / 500) over the first 500 steps, \(late / 500) over the last 500")
        #expect(late * 10 <= early)
    }
}
