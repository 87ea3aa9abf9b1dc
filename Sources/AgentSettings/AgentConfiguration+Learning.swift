import HamiltonianLearning

extension AgentConfiguration {
    /// The `learning` section: the Hamiltonian learning integrator's hyper-parameters.
    public struct Learning: Sendable, Equatable {
        /// `tau`: integration step τ.
        public var tau: Double
        /// `beta`: plasticity β (the learning rate is τβ).
        public var beta: Double
        /// `eta`: dissipation η (momentum 1 − τη).
        public var eta: Double
        /// `phi`: loss weight φ.
        public var phi: Double
        /// `ordering`: `bp` (costate after the update, equals SGD with momentum) or `local`.
        public var ordering: UpdateOrdering
        /// `state_costate_reset`: zero the state costate every this many steps; 0 = never.
        public var stateCostateResetSteps: Int
        /// `gradient_clip`: clamp each gradient entry to [−c, c]; 0 = off.
        public var gradientClip: Double
        /// `scheme`: how the deep model carries the error through its blocks.
        public var scheme: DepthScheme
        /// `threads`: threads that run the deep model's blocks (pipelined only).
        public var threads: Int
        /// `seed`: the initial weights' seed.
        public var seed: UInt64
        /// `paused`: predict without learning (weights fixed); set by the control plane's `pause`.
        public var paused: Bool

        public init(
            tau: Double = 1, beta: Double = 0.003, eta: Double = 0.5, phi: Double = 1,
            ordering: UpdateOrdering = .backpropagation, stateCostateResetSteps: Int = 0, gradientClip: Double = 1,
            scheme: DepthScheme = .instant, threads: Int = 1, seed: UInt64 = 0, paused: Bool = false
        ) {
            (self.tau, self.beta, self.eta, self.phi, self.ordering) = (tau, beta, eta, phi, ordering)
            (self.stateCostateResetSteps, self.gradientClip) = (stateCostateResetSteps, gradientClip)
            (self.scheme, self.threads, self.seed, self.paused) = (scheme, threads, seed, paused)
        }

        /// The integrator's settings; a clip of 0 becomes nil (off).
        public var hamiltonian: HamiltonianConfiguration {
            HamiltonianConfiguration(
                tau: tau, beta: beta, eta: eta, phi: .constant(phi), ordering: ordering,
                stateCostateResetInterval: stateCostateResetSteps, gradientClip: gradientClip == 0 ? nil : gradientClip)
        }
    }
}
