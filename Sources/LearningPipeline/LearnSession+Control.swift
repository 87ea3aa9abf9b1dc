import Glibc
import HamiltonianLearning
import SafeTensors
import DriftDetection
import VectorStream
import Logging
import SystemPrimitives

/// What the control plane changes in a running session, between two steps.
extension LearnSession {
    /// Takes new integrator settings from the next step; β counts as the base that pause and
    /// boost act on.
    public func setLearning(_ configuration: HamiltonianConfiguration) {
        baseBeta = configuration.beta
        learner.configuration = configuration
        applyPlasticity()
    }

    /// The integrator's settings with the configured β (not the paused or boosted one).
    public var learningConfiguration: HamiltonianConfiguration {
        var configuration = learner.configuration
        configuration.beta = baseBeta
        return configuration
    }

    /// Switches to another model of the same parameter layout (a gradient mode), keeping the weights.
    public func setModel(_ newModel: ModelConfiguration) {
        guard newModel != model else { return }
        learner = learner.rebuilt(model: newModel, loss: learner.loss)
        faultGuard = LearnerGuard(learner: learner)
        model = newModel
        applyPlasticity()
        if let pendingInput { pendingInput.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) } }
    }

    /// New weights, zero costates and state; the next record starts a fresh forecast.
    public func resetModel(seed: UInt64) {
        learner.reinitialize(seed: seed)
        pendingInput = nil
    }

    /// Zeroes ω and z.
    public func resetCostates() { learner.resetCostates() }

    /// New detector settings from the next step (see `DriftStage.reconfigure`). Needs drift on.
    public func reconfigureDrift(_ options: DriftOptions) {
        if scoring != nil {
            drift?.reconfigure(Self.lossDetectors(of: options))
            scoring!.setThreshold(options.forecast.threshold)
        } else {
            drift?.reconfigure(options)
        }
    }

    /// A forecast's detectors on the loss: its own score is the anomaly-score detector, and the
    /// loss-based one would repeat it.
    static func lossDetectors(of options: DriftOptions) -> DriftOptions {
        var loss = options
        loss.detectors.removeAll { $0 == .anomalyScore }
        return loss
    }
}
