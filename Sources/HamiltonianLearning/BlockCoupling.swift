/// Which part of the residual stream a deep forecaster's block reads and which part it adds to.
public enum BlockCoupling: String, Sendable, Codable, CaseIterable {
    /// x ← x + F(x): every block reads and updates the whole stream.
    case residual
    /// Additive coupling (as in NICE and reversible residual networks): the stream is cut in two
    /// halves, x_a ← x_a + F(x_b), and blocks alternate which half they update. A block is then
    /// invertible, x_a = y_a − F(y_b), which the `reversible` scheme relies on.
    case additive
}
