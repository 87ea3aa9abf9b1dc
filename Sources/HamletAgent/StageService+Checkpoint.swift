import FoundationEssentials
import DriftDetection
import HamiltonianLearning
import Logging
import SafeTensors
import ServiceSupport
import LearningPipeline

/// A stage's checkpoint: the learner's tensors as a whole agent writes them (every tensor of the
/// network's layout; this stage's blocks are the ones it learned), plus the stage's step and its
/// pipe's step in the metadata, so that a restarted stage resumes where it was and realigns on
/// its neighbours from there (docs/stages.md, "Faults").
extension StageService {
    static let stepKey = "hamlet.stage.step"
    static let pipelineStepKey = "hamlet.stage.pipeline_step"
    static let lifeKey = "hamlet.stage.life"

    /// Writes the checkpoint to the state directory; logged, not thrown, when it cannot.
    @discardableResult
    func saveCheckpoint(reason: String) -> String? {
        let link = runner.link
        let metadata = [
            "hamlet.stage": "\(link.stage) of \(link.stageCount)", Self.stepKey: "\(runner.steps)",
            Self.pipelineStepKey: "\(runner.pipelineStep)", Self.lifeKey: "\(link.life)",
        ]
        var file = LearnerCheckpoint.file(of: runner.learner, model: model, pendingInput: nil, metadata: metadata)
        // The first stage's normalisation and the last stage's detectors go on warm after a restart, as a whole agent's do.
        for (name, state) in [(LearnSession.scoringTensor, input?.savedState), (LearnSession.driftTensor, output?.savedState)] {
            if let values = state?.values { file.tensors[name] = SafeTensor(values, shape: [values.count]) }
        }
        do {
            return try checkpoints.save { path in try file.write(to: path) }
        } catch {
            logger.error("could not write the \(reason) checkpoint in \(checkpoints.directory): \(error)")
            return nil
        }
    }

    /// Takes back the newest readable checkpoint made for this stage's model: the learner, the
    /// stage's step and its pipe's step. Nil (starting afresh, with a message) when there is none
    /// or it holds another model.
    static func restore(
        into learner: HamiltonianLearner<DeepForecaster<Float>>, model: ModelConfiguration, from store: CheckpointStore, logger: Logger
    ) -> (step: UInt64, pipelineStep: Int64, file: SafeTensorsFile)? {
        guard let (file, path) = store.newestCheckpoint(for: model, logger: logger) else { return nil }
        do {
            _ = try LearnerCheckpoint.restore(file, into: learner)
        } catch {
            logger.warning("checkpoint \(path) could not be restored (\(error)); starting afresh")
            return nil
        }
        // A checkpoint of a stage that never skipped has its steps equal to the learner's.
        let step = file.metadata[stepKey].flatMap { UInt64($0) } ?? UInt64(learner.stepCount)
        let pipelineStep = file.metadata[pipelineStepKey].flatMap { Int64($0) } ?? learner.stepCount
        logger.info("restored \(path): this stage resumes at step \(step)")
        return (step, pipelineStep, file)
    }

    /// Takes back the first stage's scoring and the last stage's detectors from `file`, when it holds them.
    func restoreStreamState(from file: SafeTensorsFile) {
        if let input {
            restore(LearnSession.scoringTensor, "the normalisation", from: file) { (state) throws(SavedStateError) in try input.restore(state) }
        }
        if let output, output.savedState != nil {
            restore(LearnSession.driftTensor, "the drift detectors", from: file) { (state) throws(SavedStateError) in try output.restore(state) }
        }
    }

    private func restore(_ name: String, _ what: String, from file: SafeTensorsFile, into: (SavedState) throws(SavedStateError) -> Void) {
        guard let values = try? file.tensors[name]?.doubles() else {
            logger.warning("the stage's checkpoint holds no \(name); \(what) starts afresh")
            return
        }
        do {
            try into(SavedState(values: values))
        } catch {
            logger.warning("the checkpoint's \(name) could not be restored (\(error)); \(what) starts afresh")
        }
    }
}
