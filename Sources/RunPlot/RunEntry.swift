/// One learning step from `hamlet learn`'s JSON lines.
public struct RunRecord: Equatable, Sendable {
    public var step: Int
    /// The 1-based line (or frame, or tick) of the learner's input that this step read.
    public var position: Int?
    public var loss: Double?
    public var score: Double?
    public var prediction: [Double]

    public init(step: Int, position: Int?, loss: Double?, score: Double?, prediction: [Double]) {
        (self.step, self.position, self.loss, self.score, self.prediction) = (step, position, loss, score, prediction)
    }
}

/// One drift alert from `hamlet learn`'s JSON lines.
public struct RunAlert: Equatable, Sendable {
    public var step: Int
    public var position: Int?
    public var detector: String
    public var kind: String
    public var threshold: Double?

    public init(step: Int, position: Int?, detector: String, kind: String, threshold: Double?) {
        (self.step, self.position, self.detector, self.kind) = (step, position, detector, kind)
        self.threshold = threshold
    }
}

/// What one JSON line of a run holds.
public enum RunEntry: Equatable, Sendable {
    case record(RunRecord)
    case alert(RunAlert)
}
