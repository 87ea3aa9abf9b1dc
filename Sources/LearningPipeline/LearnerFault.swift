/// A learning step that produced a non-finite number, caught at that step, and what was done about it.
public struct LearnerFault: Sendable, Equatable {
    /// What was not finite, such as `the prediction[0] is nan` or `weights[12] is inf`.
    public var cause: String
    /// The step of the good state the learner went back to; nil when it had none and started afresh.
    public var restoredStep: Int64?
}
