import CAllocationCounter
import Foundation
import HamiltonianLearning
import Testing

@testable import HamletAgent
@testable import LearningPipeline

/// The guard's per-step check, its periodic scan and snapshot, and a restore allocate nothing.
@Suite struct LearnerGuardAllocationTests {
    @Test("checking 1,000 steps (10 scans and snapshots) and restoring the snapshot allocate nothing")
    func noAllocation() throws {
        #expect(hamlet_allocation_counting_available() != 0)
        let learner = AgentLearner(
            model: .forecaster(.init(inputCount: 3, stateCount: 16)), hamiltonian: .init(gradientClip: 1), loss: .meanSquaredError,
            seed: 2)
        let faultGuard = LearnerGuard(learner: learner)
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 3)
        defer { input.deallocate() }
        input.initialize(repeating: 0, count: 3)
        let snapshot = LearnerSnapshot(of: learner)
        func steps(_ count: Int) -> Int {
            var faults = 0
            for t in 0..<count {
                for c in 0..<3 { input[c] = Float(sin(0.1 * Double(t) + Double(c))) }
                let loss = learner.learn(target: input)
                learner.forward(input: input)
                if faultGuard.check(learner, loss: loss) != nil { faults += 1 }
            }
            return faults
        }
        _ = steps(10)
        hamlet_allocation_counting_begin()
        let faults = steps(1_000)
        snapshot.take(atStep: learner.stepCount)
        let restored = snapshot.restore(into: learner)
        let found = snapshot.firstNonFinite()
        let allocations = hamlet_allocation_counting_end()
        #expect(allocations == 0)
        #expect(faults == 0 && restored && found == nil)
    }
}
