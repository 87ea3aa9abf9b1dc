import HamiltonianLearning
import Logging
import SafeTensors

/// Where the checkpoint a session starts from came from, which decides what a part of it that
/// cannot be restored does.
public enum CheckpointOrigin: Sendable {
    /// Named by the user (`hamlet learn --init`): a part that cannot be restored stops the run.
    case named
    /// The agent's own newest checkpoint: a part that cannot be restored is logged and starts afresh,
    /// because an unattended agent must come up.
    case own
}

extension LearnSession {
    /// The one way `hamlet learn` and `hamlet run` start a session: a learner for `model`, restored
    /// from `checkpoint` when one is given (weights, states, costates, the pending input), then the
    /// forecast's scoring and the drift detectors from the same file. Detectors other than the
    /// checkpoint's warm up afresh in either case: they are a choice, not a broken file.
    public static func start(
        model: ModelConfiguration, hamiltonian: HamiltonianConfiguration, loss: LossFunction, seed: UInt64,
        options: LearnOptions, mapping: ColumnMapping, reader: any RecordSource, output: any OutputSink,
        checkpoint: (file: SafeTensorsFile, path: String)?, origin: CheckpointOrigin, logger: Logger
    ) throws(LearnError) -> LearnSession {
        let learner = AgentLearner(model: model, hamiltonian: hamiltonian, loss: loss, seed: seed)
        var pending: [Float]?
        var restored: SafeTensorsFile?
        if let (file, path) = checkpoint {
            do {
                pending = try learner.restore(file)
                restored = file
                if origin == .own { logger.info("restored \(path) at step \(learner.stepCount)") }
            } catch {
                guard origin == .own else { throw .checkpoint(error) }
                logger.warning("checkpoint \(path) could not be restored (\(error)); starting afresh")
            }
        }
        let session = LearnSession(
            learner: learner, model: model, options: options, mapping: mapping, reader: reader, output: output,
            pendingInput: pending, logger: logger)
        guard let restored else { return session }
        do {
            try session.restoreScoring(from: restored)
        } catch {
            guard origin == .own else { throw .checkpoint(error) }
            logger.warning("the checkpoint's scoring state could not be restored (\(error)); the anomaly score starts afresh")
        }
        do {
            try session.restoreDetectors(from: restored)
        } catch {
            logger.warning("the checkpoint's drift detector state is not used (\(error)); they warm up afresh")
        }
        return session
    }
}
