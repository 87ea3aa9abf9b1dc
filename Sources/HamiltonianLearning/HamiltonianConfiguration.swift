/// The settings of the Hamiltonian integrator: step τ, plasticity β, dissipation η, loss weight φ.
///
/// With BP ordering the learner equals PyTorch's `SGD(lr: γ, momentum: μ, dampening: ρ)` for
/// γ = τβ, μ = 1 − τη, ρ = 1 − τφ (design note §3).
public struct HamiltonianConfiguration: Sendable, Equatable {
    public var tau: Double
    public var beta: Double
    public var eta: Double
    public var phi: PhiSchedule
    public var ordering: UpdateOrdering
    /// Zero ω before every step: momentum vanishes and the update is plain SGD.
    public var resetsWeightCostateEachStep: Bool
    /// Zero the state costate z every this many steps (0: never).
    public var stateCostateResetInterval: Int
    /// Clamp every entry of ∂H'/∂θ to [−c, c] before it enters ω (nil: off, the exact HL step).
    /// A safety net, not part of the paper: a runaway gradient then moves each weight by a bounded
    /// amount per step instead of throwing it to infinity.
    public var gradientClip: Double?

    public init(
        tau: Double = 1, beta: Double = 0.003, eta: Double = 0.5, phi: PhiSchedule = .constant(1),
        ordering: UpdateOrdering = .backpropagation, resetsWeightCostateEachStep: Bool = false,
        stateCostateResetInterval: Int = 0, gradientClip: Double? = nil
    ) {
        (self.tau, self.beta, self.eta, self.phi, self.ordering) = (tau, beta, eta, phi, ordering)
        self.resetsWeightCostateEachStep = resetsWeightCostateEachStep
        (self.stateCostateResetInterval, self.gradientClip) = (stateCostateResetInterval, gradientClip)
    }

    /// The settings that reproduce `torch.optim.SGD(lr:momentum:dampening:)` at step τ.
    public static func sgd(learningRate: Double, momentum: Double = 0, dampening: Double = 0, tau: Double = 1)
        -> HamiltonianConfiguration
    {
        HamiltonianConfiguration(
            tau: tau, beta: learningRate / tau, eta: (1 - momentum) / tau,
            phi: .firstStep(first: 1 / tau, then: (1 - dampening) / tau), ordering: .backpropagation)
    }

    /// Every setting that is out of range, as messages naming the setting; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if !(tau.isFinite && tau > 0) { found.append("tau must be a positive number, got \(tau)") }
        if !(beta.isFinite && beta >= 0) { found.append("beta must be zero or positive, got \(beta)") }
        if !(eta.isFinite && eta >= 0) { found.append("eta must be zero or positive, got \(eta)") }
        if tau.isFinite, eta.isFinite, tau * eta > 1 {
            found.append("tau·eta must be at most 1 (costates would flip sign each step), got \(tau * eta)")
        }
        if phi.values.contains(where: { !($0.isFinite && $0 >= 0) }) {
            found.append("phi must be zero or positive, got \(phi)")
        }
        if case .decay(_, _, let halfLife) = phi, !(halfLife > 0) {
            found.append("phi's half-life must be positive, got \(halfLife)")
        }
        if let gradientClip, !(gradientClip > 0) {
            found.append("the gradient clip must be positive (or off), got \(gradientClip)")
        }
        if stateCostateResetInterval < 0 {
            found.append("the state-costate reset interval must be 0 (never) or positive, got \(stateCostateResetInterval)")
        }
        return found
    }
}

/// Whether the weight update uses the costate after (BP) or before (local) this step's update.
public enum UpdateOrdering: String, Sendable, CaseIterable {
    /// θ ← θ − τβ ω_new: reproduces gradient descent.
    case backpropagation = "bp"
    /// θ ← θ − τβ ω_old: the paper's Algorithm 1.
    case local
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension HamiltonianConfiguration: Codable {}
extension UpdateOrdering: Codable {}
#endif
