/// What one block's forward pass leaves for its backward pass: the LRU output a, Φ(a), GELU(a)
/// and the block's update, plus the block's gradient scratch.
///
/// The `instant` scheme keeps one per block (they live from the forward to the backward); the
/// `reversible` scheme shares one among all blocks, because it recomputes each block's
/// activations during the backward sweep. Sized for the largest block; allocated once.
public final class BlockActivations<Scalar: BinaryFloatingPoint> {
    public let preactivation, normalCDF, activated, update, activatedGradient, directInputGradient: ScalarBuffer<Scalar>

    public init(hiddenCount: Int, updateCount: Int, inputCount: Int) {
        preactivation = ScalarBuffer(count: hiddenCount)
        normalCDF = ScalarBuffer(count: hiddenCount)
        activated = ScalarBuffer(count: hiddenCount)
        update = ScalarBuffer(count: updateCount)
        activatedGradient = ScalarBuffer(count: hiddenCount)
        directInputGradient = ScalarBuffer(count: inputCount)
    }

    /// Scalars held.
    public var scalarCount: Int {
        [preactivation, normalCDF, activated, update, activatedGradient, directInputGradient].reduce(0) { $0 + $1.count }
    }
}
