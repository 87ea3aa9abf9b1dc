/// Which part of the residual stream a deep forecaster's block reads and which part it adds to.
public enum BlockCoupling: String, Sendable, CaseIterable {
    /// x ← x + F(x): every block reads and updates the whole stream.
    case residual
    /// Additive coupling, as in reversible residual networks: the stream is cut in two halves and a
    /// block is a pair, x₁ ← x₁ + F(x₂) then x₂ ← x₂ + G(x₁), each with its own LRU. Each half-step
    /// is invertible, x₁ = y₁ − F(y₂), which the `reversible` scheme relies on.
    case additive
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension BlockCoupling: Codable {}
#endif
