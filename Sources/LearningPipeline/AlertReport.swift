import DriftDetection

/// One alert, as the sinks receive it: what raised it, at which step and record.
public struct AlertReport: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// A drift detector or the anomaly score crossed its threshold; `reaction` says what the
        /// session did about it ("none", "costates reset", …).
        case drift(DriftAlert, reaction: String)
        /// A non-finite step was undone.
        case learnerFault(LearnerFault)
        /// A neighbouring pipeline stage went away or came back, as stage `stage` saw it.
        case stageNeighbour(StageNeighbour, stage: Int)
    }

    public var cause: Cause
    public var step: Int64
    /// The record it concerns; nil for an alert about the pipeline rather than a record.
    public var position: RecordPosition?
    /// The agent's id for this alert (`AlertIdentity`), the same on every sink; nil where the
    /// session gives none (`hamlet learn`), and an MQTT sink then draws its own.
    public var id: String?

    public init(_ cause: Cause, step: Int64, position: RecordPosition?, id: String? = nil) {
        (self.cause, self.step, self.position, self.id) = (cause, step, position, id)
    }
}
