import CAllocationCounter
import HamiltonianLearning
import Testing

/// Design note §6.8: a learning step allocates nothing, whatever the model and gradient mode.
@Suite struct AllocationTests {
    static func allocations<L: OnlineLearner>(of learner: L, steps: Int) -> Int64 where L.Scalar == Float {
        let inputs = randomVectors(count: 64, size: learner.inputCount, seed: 3).map { $0.map { Float($0) } }
        let targets = randomVectors(count: 64, size: learner.outputCount, seed: 4).map { $0.map { Float($0) } }
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 64 * learner.inputCount)
        let target = UnsafeMutablePointer<Float>.allocate(capacity: 64 * learner.outputCount)
        defer { input.deallocate(); target.deallocate() }
        for k in 0..<64 {
            (input + k * learner.inputCount).initialize(from: inputs[k], count: learner.inputCount)
            (target + k * learner.outputCount).initialize(from: targets[k], count: learner.outputCount)
        }
        func run(_ count: Int) {
            for t in 0..<count {
                learner.forward(input: input + (t % 64) * learner.inputCount)
                learner.learn(target: t % 5 == 4 ? nil : target + (t % 64) * learner.outputCount)
            }
        }
        run(10)
        hamlet_allocation_counting_begin()
        run(steps)
        return hamlet_allocation_counting_end()
    }

    @Test("the counter really counts this thread's allocations")
    func counterWorks() {
        #expect(hamlet_allocation_counting_available() != 0)
        hamlet_allocation_counting_begin()
        let array = (0..<100).map { [$0] }
        let counted = hamlet_allocation_counting_end()
        #expect(array.count == 100)
        #expect(counted >= 100)
    }

    @Test("a forecaster step allocates nothing", arguments: RecurrentGradientMode.allCases)
    func forecaster(mode: RecurrentGradientMode) {
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(.init(inputCount: 5, stateCount: 12, gradientMode: mode)),
            configuration: .init(stateCostateResetInterval: 7))
        #expect(Self.allocations(of: learner, steps: 1_000) == 0)
    }

    @Test("a deep forecaster step (K = 3, instant) allocates nothing", arguments: RecurrentGradientMode.allCases)
    func deepForecaster(mode: RecurrentGradientMode) {
        let learner = HamiltonianLearner(
            model: DeepForecaster<Float>(.init(inputCount: 5, width: 12, blockCount: 3, stateCount: 10, gradientMode: mode)),
            configuration: .init(stateCostateResetInterval: 7))
        #expect(Self.allocations(of: learner, steps: 1_000) == 0)
    }

    @Test("a reversible deep forecaster step (K = 3) allocates nothing", arguments: RecurrentGradientMode.allCases)
    func reversibleDeepForecaster(mode: RecurrentGradientMode) {
        let learner = HamiltonianLearner(
            model: DeepForecaster<Float>(.init(
                inputCount: 5, width: 12, blockCount: 3, stateCount: 10, gradientMode: mode, scheme: .reversible,
                coupling: .additive)),
            configuration: .init(stateCostateResetInterval: 7))
        #expect(Self.allocations(of: learner, steps: 1_000) == 0)
    }

    /// The counter sees the calling thread only; with two threads the worker runs the same stage
    /// code on its own group, and the caller's share includes the hand-over to it.
    @Test("a pipelined deep forecaster step (K = 4) allocates nothing, on 1 and 2 threads",
          arguments: RecurrentGradientMode.allCases, [1, 2])
    func pipelinedDeepForecaster(mode: RecurrentGradientMode, threads: Int) {
        let learner = HamiltonianLearner(
            model: DeepForecaster<Float>(.init(
                inputCount: 5, width: 12, blockCount: 4, stateCount: 10, gradientMode: mode, scheme: .pipelined,
                threadCount: threads)),
            configuration: .init(stateCostateResetInterval: 7))
        #expect(Self.allocations(of: learner, steps: 1_000) == 0)
    }

    @Test("a step whose loss is not finite (state and ω reset) allocates nothing")
    func nonFiniteStep() {
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(.init(inputCount: 3, stateCount: 6, gradientMode: .traces)), configuration: .init())
        let input: [Float] = [0.1, 0.2, 0.3], bad: [Float] = [.nan, 0, 0]
        input.withUnsafeBufferPointer { i in
            bad.withUnsafeBufferPointer { t in
                learner.forward(input: i.baseAddress!)
                learner.learn(target: t.baseAddress!)
                hamlet_allocation_counting_begin()
                for _ in 0..<100 {
                    learner.forward(input: i.baseAddress!)
                    learner.learn(target: t.baseAddress!)
                }
                #expect(hamlet_allocation_counting_end() == 0)
            }
        }
        #expect(learner.nonFiniteLosses == 101)
    }

    @Test("an MLP step allocates nothing, in both orderings", arguments: UpdateOrdering.allCases)
    func mlp(ordering: UpdateOrdering) {
        let learner = HamiltonianLearner(
            model: MultilayerPerceptron<Float>(.init(inputCount: 4, hiddenCounts: [8, 6], outputCount: 3)),
            configuration: .init(ordering: ordering, resetsWeightCostateEachStep: true), loss: .softmaxCrossEntropy)
        #expect(Self.allocations(of: learner, steps: 1_000) == 0)
    }
}
