/// How a deep model carries this step's error down through its blocks (issue 14).
public enum DepthScheme: String, Sendable, CaseIterable {
    /// Non-local: at every step the error goes back through all blocks at once, using only this
    /// step's activations, kept for every block (backpropagation in depth); credit through time
    /// stays inside each block.
    case instant
    /// `instant`'s gradients without keeping the blocks' activations: the backward sweep rebuilds
    /// each block's input from its output (x_a = y_a − F(y_b)) and recomputes the block's
    /// activations, so it holds O(width) whatever the depth. Needs `BlockCoupling.additive`.
    case reversible
    /// Partially local (the paper's layered scheme, PARTIME-style pipelining): at step t block k
    /// reads only what block k−1 and block k+1 sent at step t−1, so states move up one block per
    /// step and costates down one block per step, and the blocks of a step can run concurrently
    /// (`DeepForecasterConfiguration.threadCount`). Needs `BlockCoupling.residual`.
    ///
    /// What the delay does to the prediction and the targets: the input projection works with
    /// block 1 and reads the step's input u_t; the read-out and the skip work with block K. The
    /// prediction at step t is y_t = R x_K + r + S u_t, where x_K has come up through the K blocks
    /// from the input of step t−K+1: the blocks see the stream K−1 steps late, so for a
    /// next-sample target they learn a K-step-ahead forecast from what they have seen, while the
    /// skip still sees u_t. The loss at step t uses the target that comes with step t; no target
    /// is delayed or stored. The read-out and block K learn from it at step t; block k gets its
    /// share K−k steps later and pairs it with what it kept from the step whose output fed that
    /// prediction, 2(K−k) steps back (a ring of 2(K−k)+1 entries, at most 2K−1, whatever the
    /// stream's length); that late error is carried through the block's weights of the step it
    /// arrives, up to 2(K−k) updates newer than those of its forward. While the pipe fills, the
    /// blocks see zero messages: the first K−1 predictions rest on the read-out and the skip,
    /// and block k learns nothing in its first 2(K−k) steps. With K = 1 it is `instant`.
    case pipelined
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension DepthScheme: Codable {}
#endif
