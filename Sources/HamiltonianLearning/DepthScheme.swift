/// How a deep model carries this step's error down through its blocks (issue 14).
public enum DepthScheme: String, Sendable, Codable, CaseIterable {
    /// Non-local: at every step the error goes back through all blocks at once, using only this
    /// step's activations (backpropagation in depth); credit through time stays inside each block.
    case instant
}
