import JSONText
import AgentSettings
import ArgumentParser
import HamiltonianLearning

/// Command-line settings of the Hamiltonian integrator; unset ones keep the checkpoint's or `hamlet run`'s
/// defaults (`AgentConfiguration.Learning`).
struct LearningOptions: ParsableArguments {
    private static let defaults = AgentConfiguration.Learning()

    @Option(help: "Euler step τ per sample (default \(JSONText.readableNumber(defaults.tau))).")
    var tau: Double?

    @Option(help: "Plasticity β: the weight update is τβω (default \(JSONText.readableNumber(defaults.beta))).")
    var beta: Double?

    @Option(help: "Dissipation η of the costates: momentum is 1 − τη (default \(JSONText.readableNumber(defaults.eta))).")
    var eta: Double?

    @Option(help: "Loss weight φ (default \(JSONText.readableNumber(defaults.phi))).")
    var phi: Double?

    @Option(help: "bp (θ uses the new ω: gradient descent; default) or local (the paper's Algorithm 1).")
    var ordering: UpdateOrdering?

    @Option(help: "Zero the state costate z every N steps (costate mode; default never).")
    var stateCostateReset: Int?

    @Option(help: "Clamp each gradient entry to ±c, a safety net against runaway learning (0: off; default \(JSONText.readableNumber(defaults.gradientClip))).")
    var gradientClip: Double?

    @Option(help: "Seed of the initial weights (default 0).")
    var seed: UInt64 = defaults.seed

    func configuration(base: HamiltonianConfiguration) throws -> HamiltonianConfiguration {
        var result = base
        if let tau { result.tau = tau }
        if let beta { result.beta = beta }
        if let eta { result.eta = eta }
        if let phi { result.phi = .constant(phi) }
        if let ordering { result.ordering = ordering }
        if let stateCostateReset { result.stateCostateResetInterval = stateCostateReset }
        if let gradientClip { result.gradientClip = gradientClip == 0 ? nil : gradientClip }
        if !result.problems.isEmpty { throw ValidationError(result.problems.joined(separator: "; ")) }
        return result
    }
}
