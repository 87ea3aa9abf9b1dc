import HamiltonianLearning
import RealModule

/// Runs one stage of a pipelined network split across agents, in lockstep: before step t it
/// waits for its neighbours' messages of step t − 1, after it sends its own of step t. With every
/// stage run this way the weights equal those of one learner running every block, bit for bit.
///
/// The first stage has the stream (its `step` gets the input and target); the last needs them too
/// (the skip reads the input, the loss the target) and receives them from the first; the stages
/// between read neither.
public final class PipelineStageRunner {
    /// How a stage waits for its neighbours.
    public enum Timing: Sendable, Equatable {
        /// Before step t, wait for every message of step t − 1: the single-process run, bit for bit.
        case lockstep
        /// Wait for the data coming up (the input, the state from below), never for a costate:
        /// take the newest one at most `maximumStaleness` steps older than lockstep's, or learn
        /// nothing from above at this step. A stage above that is slow or gone does not stop
        /// the stages below; their learning from it pauses, their inference goes on.
        case free(maximumStaleness: Int)
    }

    public let learner: HamiltonianLearner<DeepForecaster<Float>>
    public let link: StageLink
    public let timeout: Duration
    public let timing: Timing
    public private(set) var steps: UInt64 = 0
    /// Free timing: steps that learned from a costate older than lockstep's, and steps with none.
    public private(set) var lateCostates = 0
    public private(set) var missingCostates = 0
    let width: Int
    let idleInput: [Float]

    public init(
        learner: HamiltonianLearner<DeepForecaster<Float>>, link: StageLink, timing: Timing = .lockstep, timeout: Duration = .seconds(10)
    ) {
        precondition(learner.model.pipelineBoundary != nil, "a stage runs a pipelined model")
        self.learner = learner
        self.timing = timing
        self.link = link
        self.timeout = timeout
        width = learner.model.configuration.width
        idleInput = [Float](repeating: 0, count: learner.inputCount)
    }

    /// One step: the loss of this step's prediction on the last stage, NaN on the others.
    /// `input` and `target` are read on the first stage only.
    @discardableResult
    public func step(input: [Float]? = nil, target: [Float]? = nil) throws(StageLinkError) -> Float {
        var (u, goal) = (idleInput, target)
        if link.isFirst {
            precondition(input?.count == learner.inputCount, "the first stage needs the step's input")
            u = input!
            if !link.isLast { link.send(.inputAndTarget, step: steps, values: u + (target ?? [])) }
        } else if link.isLast {
            let values = try link.receive(.inputAndTarget, step: steps, timeout: timeout)
            let n = learner.inputCount
            guard values.count == n || values.count == n + learner.outputCount else {
                throw .wrongSize(kind: .inputAndTarget, step: steps, expected: n + learner.outputCount, found: values.count)
            }
            u = Array(values.prefix(learner.inputCount))
            goal = values.count > learner.inputCount ? Array(values.dropFirst(learner.inputCount)) : nil
        }
        if steps > 0 {
            let boundary = learner.model.pipelineBoundary!
            if let below = boundary.stateFromBelow {
                let values = try link.receive(.state, step: steps - 1, timeout: timeout)
                guard values.count == width else { throw .wrongSize(kind: .state, step: steps - 1, expected: width, found: values.count) }
                below.update(from: values, count: width)
            }
            if let above = boundary.costateFromAbove {
                switch timing {
                case .lockstep:
                    let values = try link.receive(.costate, step: steps - 1, timeout: timeout)
                    guard values.count == width else { throw .wrongSize(kind: .costate, step: steps - 1, expected: width, found: values.count) }
                    above.update(from: values, count: width)
                case .free(let staleness):
                    let oldest = steps - 1 - min(UInt64(max(staleness, 0)), steps - 1)
                    if let costate = link.newestCostate(in: oldest...(steps - 1)), costate.values.count == width {
                        above.update(from: costate.values, count: width)
                        if costate.step < steps - 1 { lateCostates += 1 }
                    } else {
                        above.update(repeating: 0, count: width)
                        missingCostates += 1
                    }
                }
            }
        }
        let loss = learner.step(input: u, target: link.isLast ? goal : nil)
        let boundary = learner.model.pipelineBoundary!
        if let up = boundary.stateToAbove { link.send(.state, step: steps, values: Array(UnsafeBufferPointer(start: up, count: width))) }
        if let down = boundary.costateToBelow {
            link.send(.costate, step: steps, values: Array(UnsafeBufferPointer(start: down, count: width)))
        }
        steps += 1
        return loss
    }
}
