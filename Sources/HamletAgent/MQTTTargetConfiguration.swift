import StreamFeatures

/// Supervised targets that arrive on their own MQTT topics, possibly late, and how each finds its step.
///
/// Every input step is remembered (its key and input vector) in a ring of `windowSteps`; a
/// target is joined to the step with its key, and the learner then learns from that step's
/// input and the target. Targets whose step has left the ring, was never seen, or already has
/// its target are misses: counted and reported on the errors topic, never fatal.
public struct MQTTTargetConfiguration: Sendable {
    /// How a step and its target are matched.
    public enum Join: Sendable, Equatable {
        /// By a number in a JSON field of both the sensor messages and the target message. A step
        /// is taken when a message leaves every slot with a value of the same, new sequence number
        /// (one step per number); the target joins the step with its number exactly.
        case sequence(field: String)
        /// By the JSON payload timestamp field (seconds since the epoch) of the sensor messages and
        /// the target message. A step's key is the newest sensor timestamp so far; the target joins
        /// the nearest step within `toleranceSeconds` (the latest of several with the same key).
        case timestamp(field: String, toleranceSeconds: Double)

        /// The JSON field holding the key.
        public var field: String {
            switch self {
            case .sequence(let field), .timestamp(let field, _): field
            }
        }

        /// The joiner's tolerance: 0 for sequence numbers.
        public var tolerance: Double {
            switch self {
            case .sequence: 0
            case .timestamp(_, let tolerance): tolerance
            }
        }
    }

    /// One target value per slot, in this order (JSON payloads); a target is complete when every
    /// slot has a value carrying the same key.
    public var slots: [SensorSlot]
    public var join: Join
    /// Steps remembered for joining; a target for an older step misses as too old.
    public var windowSteps: Int
    /// Classify: the single target value must be a class index in 0..<classCount (nil: regress).
    public var classCount: Int?

    public init(slots: [SensorSlot], join: Join, windowSteps: Int = 1024, classCount: Int? = nil) {
        precondition(!slots.isEmpty, "MQTTTargetConfiguration needs at least one target slot")
        precondition(windowSteps >= 1, "MQTTTargetConfiguration needs windowSteps ≥ 1, got \(windowSteps)")
        precondition(join.tolerance >= 0 && join.tolerance.isFinite, "the join tolerance must be finite and ≥ 0")
        if let classCount { precondition(classCount >= 2 && slots.count == 1, "classify takes one class-index target, K ≥ 2") }
        self.slots = slots
        self.join = join
        self.windowSteps = windowSteps
        self.classCount = classCount
    }
}
