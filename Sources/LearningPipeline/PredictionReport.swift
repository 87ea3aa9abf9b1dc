/// One reported step, as the sinks receive it: what was predicted, how it scored and what it cost.
///
/// `prediction` is borrowed from the session's own buffer and is valid only during the sink's
/// call, so a step reports without copying or allocating; a sink that keeps it copies it.
public struct PredictionReport {
    public enum Kind: Equatable {
        /// A record's step (its loss is that of learning the record, NaN when it had no target).
        case record
        /// A late target's learning step on the record it was joined to.
        case joined(target: [Float])
    }

    public var kind: Kind
    /// Learning steps completed, this one included.
    public var step: Int64
    public var position: RecordPosition
    /// The record's join key for late targets (sequence number or timestamp), if any.
    public var key: Double?
    public var loss: Float
    /// The anomaly score after this step; nil while detection is off.
    public var score: Double?
    /// The model's output (in the sensor's units for a scored forecast; logits for a classifier).
    public var prediction: UnsafeBufferPointer<Float>
    /// The prediction is a classifier's: reported as the most likely class and its probabilities.
    public var classify: Bool

    public init(
        kind: Kind, step: Int64, position: RecordPosition, key: Double?, loss: Float, score: Double?,
        prediction: UnsafeBufferPointer<Float>, classify: Bool
    ) {
        (self.kind, self.step, self.position, self.key) = (kind, step, position, key)
        (self.loss, self.score, self.prediction, self.classify) = (loss, score, prediction, classify)
    }
}
