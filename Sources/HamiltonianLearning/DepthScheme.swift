/// How a deep model carries this step's error down through its blocks (issue 14).
public enum DepthScheme: String, Sendable, Codable, CaseIterable {
    /// Non-local: at every step the error goes back through all blocks at once, using only this
    /// step's activations, kept for every block (backpropagation in depth); credit through time
    /// stays inside each block.
    case instant
    /// `instant`'s gradients without keeping the blocks' activations: the backward sweep rebuilds
    /// each block's input from its output (x_a = y_a − F(y_b)) and recomputes the block's
    /// activations, so it holds O(width) whatever the depth. Needs `BlockCoupling.additive`.
    case reversible
}
