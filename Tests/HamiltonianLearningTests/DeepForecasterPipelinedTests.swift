import HamiltonianLearning
import Testing

/// The `pipelined` scheme: against its definition written plainly (`PipelinedReference`), against
/// `instant` where they must agree (K = 1), and its multi-threaded run against its single-threaded one.
@Suite struct DeepForecasterPipelinedTests {
    static func configuration(
        blocks: Int, mode: RecurrentGradientMode = .traces, threads: Int = 1, scheme: DepthScheme = .pipelined
    ) -> DeepForecasterConfiguration {
        DeepForecasterConfiguration(
            inputCount: 3, width: 6, blockCount: blocks, stateCount: 5, hiddenCount: 7, outputCount: 3, gradientMode: mode,
            scheme: scheme, threadCount: threads)
    }

    /// SGD through the Hamiltonian learner: with τ = 1, η = 1 the costate ω is this step's gradient,
    /// so θ ← θ − β g exactly as the reference does.
    static let sgd = HamiltonianConfiguration(tau: 1, beta: 0.02, eta: 1)

    @Test("pipelined equals its plain reference over 200 steps, K = 3 (Double, ≤ 1e-12)", arguments: RecurrentGradientMode.allCases)
    func equalsReference(mode: RecurrentGradientMode) {
        let configuration = Self.configuration(blocks: 3, mode: mode)
        let learner = HamiltonianLearner(model: DeepForecaster<Double>(configuration), configuration: Self.sgd, seed: 7)
        let reference = PipelinedReference(
            configuration: configuration, parameters: learner.parameters.array, layout: learner.model.layout, learningRate: 0.02)
        let stream = sinusoidMixture(steps: 201, channels: 3)
        let start = learner.parameters.array
        var (worstPrediction, worstWeight) = (0.0, 0.0)
        for t in 0..<200 {
            let expected = reference.forward(stream[t])
            stream[t].withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
            worstPrediction = max(worstPrediction, maxAbsDifference(learner.prediction.array, expected))
            reference.learn(stream[t + 1], eta: 1)
            stream[t + 1].withUnsafeBufferPointer { _ = learner.learn(target: $0.baseAddress!) }
            worstWeight = max(worstWeight, maxAbsDifference(learner.parameters.array, reference.theta))
        }
        let layout = learner.model.layout
        let moved = layout.tensors.map { ($0.name, maxAbsDifference(learner.parameters.values(of: $0), Array(start[$0.range]))) }
        print("pipelined vs reference, K = 3, \(mode): max |Δy| = \(worstPrediction), max |Δθ| = \(worstWeight)")
        #expect(worstPrediction <= 1e-12)
        #expect(worstWeight <= 1e-12)
        // Every tensor must have learned, or a wrong delay in a lower block could go unseen.
        for (name, change) in moved { #expect(change > 1e-6, "\(name) moved by \(change)") }
    }

    @Test("with one block, pipelined is instant (Double, ≤ 1e-12 over 300 steps)", arguments: RecurrentGradientMode.allCases)
    func oneBlockIsInstant(mode: RecurrentGradientMode) {
        let learners = [DepthScheme.instant, .pipelined].map { scheme in
            HamiltonianLearner(
                model: DeepForecaster<Double>(Self.configuration(blocks: 1, mode: mode, scheme: scheme)),
                configuration: .init(beta: 0.01, eta: 0.5), seed: 3)
        }
        let stream = sinusoidMixture(steps: 301, channels: 3)
        var worst = 0.0
        for t in 0..<300 {
            for learner in learners { learner.step(input: stream[t], target: stream[t + 1]) }
            worst = max(worst, maxAbsDifference(learners[0].prediction.array, learners[1].prediction.array))
        }
        #expect(worst <= 1e-12)
        #expect(maxAbsDifference(learners[0].parameters.array, learners[1].parameters.array) <= 1e-12)
    }

    @Test("two threads give the single thread's run bit for bit over 2,000 steps, K = 4 (Float)",
          arguments: RecurrentGradientMode.allCases)
    func threadsAreBitIdentical(mode: RecurrentGradientMode) {
        let learners = [1, 2].map { threads in
            HamiltonianLearner(
                model: DeepForecaster<Float>(Self.configuration(blocks: 4, mode: mode, threads: threads)),
                configuration: .init(beta: 0.01, eta: 1, stateCostateResetInterval: 500, gradientClip: 1), seed: 11)
        }
        let stream = sinusoidMixture(steps: 2_001, channels: 3).map { $0.map { Float($0) } }
        var differingSteps = 0
        for t in 0..<2_000 {
            // Some steps without a target, as a stream with gaps has.
            let target = t % 9 == 8 ? nil : stream[t + 1]
            for learner in learners { learner.step(input: stream[t], target: target) }
            if learners[0].prediction.array != learners[1].prediction.array { differingSteps += 1 }
        }
        #expect(differingSteps == 0)
        #expect(learners[0].parameters.array == learners[1].parameters.array)
        #expect(learners[0].parameterCostate.array == learners[1].parameterCostate.array)
        let states = learners.map { $0.model.stateBuffers.flatMap { $0.buffer.array } }
        #expect(states[0] == states[1])
        #expect(learners[0].nonFiniteLosses == 0)
    }

    @Test("settings: pipelined needs residual blocks; more than one thread needs pipelined and at most K")
    func problems() {
        #expect(Self.configuration(blocks: 4, threads: 2).problems.isEmpty)
        var additive = Self.configuration(blocks: 2)
        additive.coupling = .additive
        #expect(!additive.problems.isEmpty)
        #expect(!Self.configuration(blocks: 2, threads: 2, scheme: .instant).problems.isEmpty)
        #expect(!Self.configuration(blocks: 2, threads: 3).problems.isEmpty)
        #expect(!Self.configuration(blocks: 2, threads: 0).problems.isEmpty)
    }
}
