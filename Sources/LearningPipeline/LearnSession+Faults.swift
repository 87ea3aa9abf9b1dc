/// The learner's fault guard in the session: a non-finite loss, prediction, weight or state is
/// caught at its step, the learner goes back to its last good state, and a `learner-fault` alert
/// line says why.
extension LearnSession {
    /// Checks the step just learned (`loss` nil when it had no target). On a fault, writes the alert
    /// and, with `forwardAgain`, predicts again from `input` with the restored learner; returns
    /// false when even that prediction is not finite (the input itself is unusable).
    func guardStep(loss: Float?, forwardAgain: Bool, index: Int) throws(LearnError) -> Bool {
        guard let fault = faultGuard.check(learner, loss: loss) else { return true }
        summary.learnerFaults += 1
        let back = fault.restoredStep.map { "the good state of step \($0)" } ?? "fresh weights (no good state was kept yet)"
        // The metrics count every fault and the alerts every episode; the log names the first few.
        if summary.learnerFaults <= Self.warningLimit {
            logger.warning("learner fault at step \(learner.stepCount): \(fault.cause); back to \(back)")
            if summary.learnerFaults == Self.warningLimit { logger.warning("further learner faults are only counted") }
        }
        // A fault within `snapshotInterval` steps of the last alerted one is the same episode (a
        // source that keeps sending poison): counted, not alerted again, so alerts cannot flood the outbox.
        if lastFaultAlertStep.map({ learner.stepCount - $0 >= LearnerGuard.snapshotInterval }) ?? true {
            lastFaultAlertStep = learner.stepCount
            try output.alert(
                AlertReport(.learnerFault(fault), step: learner.stepCount, position: position(index), id: alertIDs?.next()))
        }
        guard forwardAgain else { return true }
        input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
        if faultGuard.check(learner, loss: nil) == nil { return true }
        learner.resetState()
        return false
    }
}
