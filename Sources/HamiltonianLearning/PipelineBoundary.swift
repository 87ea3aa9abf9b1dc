/// The messages that cross between models running neighbouring blocks of one pipelined network,
/// for the exchange between step `step − 1` and step `step` (`step` = the steps completed).
///
/// After a step, send `stateToAbove` (this model's top block's output) to the model above and
/// `costateToBelow` (∂(φL)/∂ the input of this model's lowest block) to the model below. Before the
/// next step, write what they sent into `stateFromBelow` and `costateFromAbove`. Each is one
/// vector of the network's width. Exchanging every step's messages this way (lockstep) gives the
/// same weights, bit for bit, as one model running every block.
public struct PipelineBoundary<Scalar: BinaryFloatingPoint> {
    public let step: Int
    public let stateFromBelow: UnsafeMutablePointer<Scalar>?
    public let costateFromAbove: UnsafeMutablePointer<Scalar>?
    public let stateToAbove: UnsafePointer<Scalar>?
    public let costateToBelow: UnsafePointer<Scalar>?
}
