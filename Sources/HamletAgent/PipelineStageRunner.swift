import HamiltonianLearning
import RealModule

/// Runs one stage of a pipelined network split across agents, in lockstep: before step t it
/// waits for its neighbours' messages of step t − 1, after it sends its own of step t. With every
/// stage run this way the weights equal those of one learner running every block, bit for bit.
///
/// The first stage has the stream (its `step` gets the input and target); the last needs them too
/// (the skip reads the input, the loss the target) and receives them from the first; the stages
/// between read neither.
///
/// Faults (docs/stages.md): the first stage's steps are the pipeline's clock. A stage waits as
/// long as it takes for the data coming up (it cannot infer without it); when a later step's
/// data came instead (the earlier can no longer come), it skips to that step and refills its
/// pipe. It never waits for a costate of a neighbour that is gone, nor for one that cannot exist
/// (of a step before its neighbour above could have seen this stage's states): it steps without
/// it, learning nothing from above at that step, and counts it missing.
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
    public let timing: Timing
    /// The step this stage runs next: the steps it completed, plus those it skipped.
    public private(set) var steps: UInt64 = 0
    /// A realignment past this step ends the stage with `.limitReached` (`hamlet run --max-steps`).
    public var stepLimit: UInt64?
    /// Steps that learned from a costate older than lockstep's (free timing), and steps with none.
    public private(set) var lateCostates = 0
    public private(set) var missingCostates = 0
    /// Steps skipped to realign on the stages below, and the times it happened.
    public private(set) var skippedSteps = 0
    public private(set) var realignments = 0
    /// The first step of this stage's current unbroken run of steps: 0, its resumed step, or the
    /// step it skipped to. The stage above sees this stage's states from here on, so its costates
    /// exist from the step after it.
    public private(set) var unbrokenSince: UInt64 = 0
    /// True while the stage above is gone and the weights stand still (`holdWeightsWhileAboveIsGone`).
    public private(set) var weightsHeld = false
    let width: Int
    let idleInput: [Float]

    /// `timeout`: how long a neighbour that sends to this stage may be silent before it is gone.
    public init(
        learner: HamiltonianLearner<DeepForecaster<Float>>, link: StageLink, timing: Timing = .lockstep, timeout: Duration = .seconds(10)
    ) {
        precondition(learner.model.pipelineBoundary != nil, "a stage runs a pipelined model")
        self.learner = learner
        self.timing = timing
        self.link = link
        link.silenceTimeout = timeout
        width = learner.model.configuration.width
        idleInput = [Float](repeating: 0, count: learner.inputCount)
    }

    /// Continues at `step` (from a checkpoint), its pipe where the checkpoint left it (`pipelineStep`).
    public func resume(atStep step: UInt64, pipelineStep: Int64) {
        steps = step
        unbrokenSince = step
        learner.model.resume(atStep: pipelineStep)
    }

    /// The pipe's own step count, saved with a checkpoint (it restarts at 0 when the stage skips).
    public var pipelineStep: Int { learner.model.pipelineBoundary!.step }

    /// One step: the loss of this step's prediction on the last stage, NaN on the others.
    /// `input` and `target` are read on the first stage only.
    @discardableResult
    public func step(input: [Float]? = nil, target: [Float]? = nil) throws(StageLinkError) -> Float {
        link.checkSilence()
        var (u, goal) = (idleInput, target)
        var state: [Float]?
        if link.isFirst {
            precondition(input?.count == learner.inputCount, "the first stage needs the step's input")
            u = input!
            if !link.isLast { link.send(.inputAndTarget, step: steps, values: u + (target ?? [])) }
        } else {
            let (below, values) = try receiveFromBelow()
            state = below
            if let values {
                let n = learner.inputCount
                guard values.count == n || values.count == n + learner.outputCount else {
                    throw .wrongSize(kind: .inputAndTarget, step: steps, expected: n + learner.outputCount, found: values.count)
                }
                u = Array(values.prefix(n))
                goal = values.count > n ? Array(values.dropFirst(n)) : nil
            }
        }
        let boundary = learner.model.pipelineBoundary!
        if let state, let below = boundary.stateFromBelow { below.update(from: state, count: width) }
        if steps > 0, let above = boundary.costateFromAbove {
            if let costate = try costateFromAbove() {
                above.update(from: costate, count: width)
                weightsHeld = false
            } else {
                above.update(repeating: 0, count: width)
                missingCostates += 1
                link.countMissing(1, from: link.stage + 1)
                holdWeightsWhileAboveIsGone()
            }
        }
        let loss = learner.step(input: u, target: link.isLast ? goal : nil)
        // The buffers of the exchange after this step: another parity than before it.
        let after = learner.model.pipelineBoundary!
        if let up = after.stateToAbove { link.send(.state, step: steps, values: Array(UnsafeBufferPointer(start: up, count: width))) }
        if let down = after.costateToBelow {
            link.send(.costate, step: steps, values: Array(UnsafeBufferPointer(start: down, count: width)))
        }
        steps += 1
        return loss
    }

    /// The state from below of step t − 1 (none at step 0) and, on the last stage, the input and
    /// target of step t; skips forward when a later step's came instead.
    func receiveFromBelow() throws(StageLinkError) -> (state: [Float]?, input: [Float]?) {
        while true {
            var state: [Float]?
            if steps > 0 {
                switch try link.receive(.state, atLeast: steps - 1) {
                case .exact(let values): state = values
                case .later(let step):
                    try skip(to: step + 1, missingFrom: link.stage - 1)
                    continue
                case .none: continue
                }
                guard state!.count == width else { throw .wrongSize(kind: .state, step: steps - 1, expected: width, found: state!.count) }
            }
            guard link.isLast else { return (state, nil) }
            switch try link.receive(.inputAndTarget, atLeast: steps) {
            case .exact(let values): return (state, values)
            case .later(let step): try skip(to: step, missingFrom: 0)
            case .none: continue
            }
        }
    }

    /// The costate from above of step t − 1, or nil: lockstep waits for it unless its sender is
    /// gone or it cannot exist; free timing takes the newest within the staleness bound.
    func costateFromAbove() throws(StageLinkError) -> [Float]? {
        let (needed, above) = (steps - 1, link.stage + 1)
        switch timing {
        case .lockstep:
            // The stage above saw this stage's states from `unbrokenSince` on (from step 0 on a fresh start).
            let exists = unbrokenSince == 0 || needed > unbrokenSince
            let arrival: StageLink.Arrival
            if exists && !link.isGone(above) {
                arrival = try link.receive(.costate, atLeast: needed) { link.isGone(above) }
            } else {
                // Not waiting, but reading what came: the neighbour's return is among it.
                link.drainQueue()
                arrival = link.held(.costate, atLeast: needed)
            }
            guard case .exact(let values) = arrival else { return nil }
            guard values.count == width else { throw .wrongSize(kind: .costate, step: needed, expected: width, found: values.count) }
            return values
        case .free(let staleness):
            let oldest = needed - min(UInt64(max(staleness, 0)), needed)
            guard let costate = link.newestCostate(in: oldest...needed), costate.values.count == width else { return nil }
            if costate.step < needed {
                lateCostates += 1
                link.countLate(from: above)
            }
            return costate.values
        }
    }

    /// Every weight of a stage below the last learns only from the costate from above: while its
    /// sender is gone, the weights' momentum ω is zeroed once, so that with no gradient θ stands
    /// still instead of drifting along its last momentum (for ever with η = 0). A costate that is
    /// merely late or lost (free timing, a skip) leaves ω alone.
    func holdWeightsWhileAboveIsGone() {
        guard link.isGone(link.stage + 1) else { return }
        if !weightsHeld { learner.parameterCostate.zero() }
        weightsHeld = true
    }

    /// Realigns on the stages below at `step`: the steps between are counted missing from
    /// `neighbour`, and the pipe starts again empty (its filling steps learn nothing), since what
    /// it held belongs to steps its neighbours no longer share.
    func skip(to step: UInt64, missingFrom neighbour: Int) throws(StageLinkError) {
        let missed = Int(step - steps)
        (skippedSteps, realignments) = (skippedSteps + missed, realignments + 1)
        link.countMissing(missed, from: neighbour)
        steps = step
        unbrokenSince = step
        learner.model.resetState()
        learner.model.resume(atStep: 0)
        if let stepLimit, steps >= stepLimit { throw .limitReached }
    }
}
