/// The learning hyper-parameters a `set-learning` request changes; nil = leave as is.
/// A parsed request sets at least one, each within its range.
public struct LearningChange: Sendable, Equatable {
    /// Finite, > 0.
    public var beta: Double?
    /// Finite, ≥ 0.
    public var eta: Double?
    /// Finite, ≥ 0.
    public var phi: Double?
    /// Finite, > 0.
    public var tau: Double?
    public var gradientMode: ControlGradientMode?

    public init(
        beta: Double? = nil, eta: Double? = nil, phi: Double? = nil, tau: Double? = nil,
        gradientMode: ControlGradientMode? = nil
    ) {
        (self.beta, self.eta, self.phi, self.tau, self.gradientMode) = (beta, eta, phi, tau, gradientMode)
    }
}
