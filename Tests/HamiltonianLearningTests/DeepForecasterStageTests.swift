import HamiltonianLearning
import Testing

/// One pipelined network split across several learners (`stageBlocks`), each running some of the
/// blocks and exchanging only `pipelineBoundary`'s messages after every step, equals one learner
/// running every block, bit for bit: the ground for stages in separate agents (issue 15).
@Suite struct DeepForecasterStageTests {
    static func configuration(blocks: Int, stage: Range<Int>? = nil, threads: Int = 1) -> DeepForecasterConfiguration {
        DeepForecasterConfiguration(
            inputCount: 3, width: 6, blockCount: blocks, stateCount: 4, gradientMode: .traces, scheme: .pipelined,
            threadCount: threads, stageBlocks: stage)
    }

    static let settings = HamiltonianConfiguration(beta: 0.02, eta: 0.3, gradientClip: 1)

    /// The tensors a stage running `blocks` of a K-block network owns.
    static func owned(_ name: String, blocks: Range<Int>, of count: Int) -> Bool {
        if name.hasPrefix("input.") { return blocks.contains(0) }
        if name.hasPrefix("readout.") || name.hasPrefix("skip.") { return blocks.contains(count - 1) }
        return blocks.contains { name.hasPrefix("blocks.\($0).") }
    }

    @Test("split into stages that exchange only their boundary messages, a pipelined network learns bit for bit as one",
          arguments: [(3, [0..<1, 1..<2, 2..<3], 1), (4, [0..<2, 2..<4], 2), (4, [0..<1, 1..<4], 1)])
    func stagesEqualOneModel(blocks: Int, split: [Range<Int>], threads: Int) {
        let whole = HamiltonianLearner(model: DeepForecaster<Float>(Self.configuration(blocks: blocks)), configuration: Self.settings, seed: 5)
        let stages = split.map { part in
            HamiltonianLearner(
                model: DeepForecaster<Float>(Self.configuration(blocks: blocks, stage: part, threads: min(threads, part.count))),
                configuration: Self.settings, seed: 5)
        }
        let stream = sinusoidMixture(steps: 1_001, channels: 3).map { $0.map(Float.init) }
        var samePredictions = true
        for t in 0..<1_000 {
            let expected = whole.step(input: stream[t], target: stream[t + 1])
            for (k, stage) in stages.enumerated() {
                let loss = stage.step(input: stream[t], target: k == stages.count - 1 ? stream[t + 1] : nil)
                if k == stages.count - 1 {
                    samePredictions = samePredictions && loss.bitPattern == expected.bitPattern
                        && stage.prediction.array.map(\.bitPattern) == whole.prediction.array.map(\.bitPattern)
                }
            }
            // The messages of step t, from every stage to its neighbours, before step t + 1.
            for k in stages.indices.dropLast() {
                let (below, above) = (stages[k].model.pipelineBoundary!, stages[k + 1].model.pipelineBoundary!)
                above.stateFromBelow!.update(from: below.stateToAbove!, count: 6)
                below.costateFromAbove!.update(from: above.costateToBelow!, count: 6)
            }
        }
        #expect(whole.nonFiniteLosses == 0, "the comparison means something only on a run that stays finite")
        #expect(samePredictions, "the last stage's losses and predictions equal the whole network's, bit for bit")
        let (theta, omega) = (whole.parameters.array, whole.parameterCostate.array)
        for (part, stage) in zip(split, stages) {
            let (stageTheta, stageOmega) = (stage.parameters.array, stage.parameterCostate.array)
            for tensor in whole.model.layout.tensors where Self.owned(tensor.name, blocks: part, of: blocks) {
                #expect(stageTheta[tensor.range].map(\.bitPattern) == theta[tensor.range].map(\.bitPattern), "θ of \(tensor.name)")
                #expect(stageOmega[tensor.range].map(\.bitPattern) == omega[tensor.range].map(\.bitPattern), "ω of \(tensor.name)")
            }
        }
        // Every tensor is owned by exactly one stage, and learning moved it.
        for tensor in whole.model.layout.tensors {
            #expect(split.filter { Self.owned(tensor.name, blocks: $0, of: blocks) }.count == 1, "\(tensor.name)")
            #expect(omega[tensor.range].contains { $0 != 0 }, "\(tensor.name) never learned")
        }
    }

    @Test("a stage's blocks must lie inside the network, under the pipelined scheme")
    func badStagesAreNamed() {
        #expect(Self.configuration(blocks: 3, stage: 2..<4).problems.contains { $0.contains("stage's blocks") })
        var instant = Self.configuration(blocks: 3, stage: 0..<1)
        instant.scheme = .instant
        #expect(instant.problems.contains { $0.contains("stage's blocks") })
        #expect(Self.configuration(blocks: 3, stage: 1..<3, threads: 3).problems.contains { $0.contains("thread count") })
        #expect(Self.configuration(blocks: 3, stage: 1..<3, threads: 2).problems.isEmpty)
    }
}
