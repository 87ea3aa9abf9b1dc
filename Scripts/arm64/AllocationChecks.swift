// No allocation per learning step: the x86 AllocationTests, counted by the same C counter
// (Sources/CAllocationCounter, which replaces malloc and friends for this thread), built for arm64.

import CAllocationCounter
import RealModule
import SeededRandom

extension CoreChecks {
    static func checkNoAllocationPerStep() {
        let available = hamlet_allocation_counting_available()
        hamlet_allocation_counting_begin()
        let arrays = (0..<100).map { [$0] }
        let counted = hamlet_allocation_counting_end()
        expect("control: the counter sees this thread's allocations (\(arrays.count) arrays made)", "mallocs counted",
               Double(available != 0 ? counted : 0), atMost: 99, above: true)

        for mode in [RecurrentGradientMode.costate, .traces] {
            let modeName = mode == .traces ? "traces" : "costate"
            let forecaster = HamiltonianLearner(
                model: Forecaster<Float>(.init(inputCount: 5, stateCount: 12, gradientMode: mode)),
                configuration: .init(stateCostateResetInterval: 7))
            expectNoAllocation("forecaster step, Float, \(modeName)", forecaster)
            for scheme in [DepthScheme.instant, .reversible, .pipelined] {
                let threads = scheme == .pipelined ? 2 : 1
                let deep = HamiltonianLearner(
                    model: DeepForecaster<Float>(.init(
                        inputCount: 5, width: 12, blockCount: 4, stateCount: 10, gradientMode: mode, scheme: scheme,
                        coupling: scheme == .reversible ? .additive : .residual, threadCount: threads)),
                    configuration: .init(stateCostateResetInterval: 7))
                expectNoAllocation("deep forecaster step (K 4, \(scheme.rawValue), \(threads) thread(s)), Float, \(modeName)", deep)
            }
        }
        for ordering in [UpdateOrdering.backpropagation, .local] {
            let mlp = HamiltonianLearner(
                model: MultilayerPerceptron<Float>(.init(inputCount: 4, hiddenCounts: [8, 6], outputCount: 3)),
                configuration: .init(ordering: ordering, resetsWeightCostateEachStep: true), loss: .softmaxCrossEntropy)
            expectNoAllocation("MLP step, Float, \(ordering.rawValue) ordering", mlp)
        }
    }

    /// Mallocs on this thread over 1,000 steps after 10 warm-up steps; every fifth has no target.
    static func expectNoAllocation<L: OnlineLearner>(_ name: String, _ learner: L) where L.Scalar == Float {
        var generator = SeededGenerator(seed: 3)
        let (inputCount, outputCount) = (learner.inputCount, learner.outputCount)
        let inputs = ScalarBuffer(gaussians(64 * inputCount, &generator).map { Float($0) })
        let targets = ScalarBuffer(gaussians(64 * outputCount, &generator).map { Float($0) })
        func run(_ count: Int) {
            for t in 0..<count {
                learner.forward(input: inputs.pointer + (t % 64) * inputCount)
                learner.learn(target: t % 5 == 4 ? nil : targets.pointer + (t % 64) * outputCount)
            }
        }
        run(10)
        hamlet_allocation_counting_begin()
        run(1_000)
        let counted = hamlet_allocation_counting_end()
        expect(name, "mallocs in 1,000 steps", Double(counted), atMost: 0)
    }
}
