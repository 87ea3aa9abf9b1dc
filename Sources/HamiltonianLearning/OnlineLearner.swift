import RealModule

/// Something that predicts the next output from an input and then learns from that
/// prediction's target, one sample at a time, with memory fixed at construction.
///
/// `forward` and `learn` alternate on one thread; neither allocates.
public protocol OnlineLearner: AnyObject {
    associatedtype Scalar: Real & BinaryFloatingPoint

    var inputCount: Int { get }
    var outputCount: Int { get }
    /// The output of the last `forward`.
    var prediction: ScalarBuffer<Scalar> { get }
    /// Completed `learn` calls.
    var stepCount: Int64 { get }

    /// Computes `prediction` for `input` at the current state.
    func forward(input: UnsafePointer<Scalar>)

    /// Learns from the target of the last prediction (nil: no target, the state still
    /// advances) and returns the loss of that prediction (NaN without a target).
    @discardableResult
    func learn(target: UnsafePointer<Scalar>?) -> Scalar
}

extension OnlineLearner {
    /// `forward` then `learn`: a supervised step where the target is known with the input.
    @inlinable @discardableResult
    public func step(input: [Scalar], target: [Scalar]?) -> Scalar {
        input.withUnsafeBufferPointer { forward(input: $0.baseAddress!) }
        guard let target else { return learn(target: nil) }
        return target.withUnsafeBufferPointer { learn(target: $0.baseAddress!) }
    }
}
