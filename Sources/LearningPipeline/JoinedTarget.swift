/// A target joined to the step it labels: that step's input and the target vector.
public struct JoinedTarget: Sendable, Equatable {
    /// The step's record number (its `tick`).
    public var index: Int
    /// The step's key (sequence number or timestamp).
    public var key: Double
    /// The input vector the step predicted from.
    public var input: [Float]
    /// The target values in slot order (for classify: the class index).
    public var target: [Float]

    public init(index: Int, key: Double, input: [Float], target: [Float]) {
        (self.index, self.key, self.input, self.target) = (index, key, input, target)
    }
}
