import HamiltonianLearning

/// Catches a non-finite number in a learning step at that step and puts the learner back to its
/// last good state: a snapshot taken every `snapshotInterval` steps after a scan found every
/// weight, costate and state finite (fresh weights when there is none yet).
///
/// Per step it checks the loss and the prediction (a non-finite weight or state reaches the
/// prediction at the next forward pass); the full scan costs one pass over θ, ω and the state
/// every `snapshotInterval` steps. Allocates only in `init` and when a fault is described; one thread.
final class LearnerGuard {
    /// Steps between two scans and snapshots: at most this many steps of learning are lost to a fault.
    static let snapshotInterval: Int64 = 100
    private let snapshot: LearnerSnapshot
    private var lastScanStep: Int64
    /// Faults caught so far.
    private(set) var faults = 0

    /// Takes the first snapshot now when the learner (perhaps just restored from a checkpoint) is finite.
    init(learner: AgentLearner) {
        snapshot = LearnerSnapshot(of: learner)
        lastScanStep = learner.stepCount
        if snapshot.firstNonFinite() == nil { snapshot.take(atStep: learner.stepCount) }
    }

    /// Checks one step: `loss` (nil when the step had no target) and the current prediction, then
    /// at the interval the whole state. On a fault the learner is back in its last good state when
    /// this returns.
    func check(_ learner: AgentLearner, loss: Float?) -> LearnerFault? {
        var cause: String?
        if let loss, !loss.isFinite {
            cause = "the loss is \(loss)"
        } else if let bad = Self.firstNonFinite(learner.prediction, count: learner.outputCount) {
            cause = "the prediction[\(bad)] is \(learner.prediction.pointer[bad])"
        } else if learner.stepCount - lastScanStep >= Self.snapshotInterval {
            lastScanStep = learner.stepCount
            if let bad = snapshot.firstNonFinite() {
                cause = bad
            } else {
                snapshot.take(atStep: learner.stepCount)
            }
        }
        guard let cause else { return nil }
        return recover(learner, cause: cause)
    }

    /// Puts the learner back as after a fault with `cause` (also for a fault found elsewhere).
    func recover(_ learner: AgentLearner, cause: String) -> LearnerFault {
        faults += 1
        if snapshot.restore(into: learner) {
            // Momentum towards the fault would carry the learner straight back into it.
            learner.resetCostates()
            return LearnerFault(cause: cause, restoredStep: snapshot.step)
        }
        learner.reinitialize(seed: UInt64(bitPattern: learner.stepCount) &+ UInt64(faults))
        snapshot.take(atStep: learner.stepCount)
        return LearnerFault(cause: cause, restoredStep: nil)
    }

    private static func firstNonFinite(_ values: ScalarBuffer<Float>, count: Int) -> Int? {
        for index in 0..<count where !values.pointer[index].isFinite { return index }
        return nil
    }
}
