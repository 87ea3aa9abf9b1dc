import SafeTensors
import DriftDetection

/// A session's checkpoint: the learner's tensors plus the forecast scoring's and the drift
/// detectors' states.
extension LearnSession {
    /// The learner's state as a checkpoint, to be written by the caller.
    public func checkpointFile() -> SafeTensorsFile {
        var file = learner.checkpoint(model: model, pendingInput: pendingInput)
        if let values = scoring?.savedState.values { file.tensors[Self.scoringTensor] = SafeTensor(values, shape: [values.count]) }
        if let values = drift?.savedState.values { file.tensors[Self.driftTensor] = SafeTensor(values, shape: [values.count]) }
        return file
    }

    /// `checkpointFile()`, refused when any of its numbers is NaN or infinite: a checkpoint is
    /// restored after a restart, and a broken one would break every run after it.
    public func finiteCheckpointFile() throws(CheckpointError) -> SafeTensorsFile {
        let file = checkpointFile()
        if let problem = Self.firstNonFinite(in: file) { throw .nonFinite(problem) }
        return file
    }

    /// `tensor "weights/readout.weight" holds nan at element 3`, for the first of the learner's F32
    /// tensors (by name) holding a NaN or an infinity; nil when every one is finite. The scoring's
    /// F64 state is not judged: NaN marks its empty cells.
    static func firstNonFinite(in file: SafeTensorsFile) -> String? {
        for name in file.tensors.keys.sorted() {
            guard let tensor = file.tensors[name], tensor.dtype == .f32, let values = try? tensor.floats() else { continue }
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                return "tensor \"\(name)\" holds \(values[index]) at element \(index)"
            }
        }
        return nil
    }

    /// The checkpoint tensor (F64, one dimension) that holds `ForecastScoring.savedState`.
    public static let scoringTensor = "scoring/state"
    /// The checkpoint tensor (F64, one dimension) that holds `DriftStage.savedState`.
    public static let driftTensor = "drift/state"

    /// Takes back the drift detectors' state of a checkpoint written by `checkpointFile`, so that
    /// they go on warm instead of warming up again; a checkpoint without one (an older one, or
    /// written with detection off) leaves them to start afresh, with a message.
    public func restoreDetectors(from file: SafeTensorsFile) throws(CheckpointError) {
        guard drift != nil, let state = try savedState(Self.driftTensor, in: file, missing: "the drift detectors warm up afresh")
        else { return }
        do {
            try drift!.restore(state)
        } catch {
            throw .badMetadata(key: Self.driftTensor, reason: "\(error)")
        }
    }

    /// The F64 vector `name` of `file`; nil, with a warning ending in `missing`, when there is none.
    private func savedState(_ name: String, in file: SafeTensorsFile, missing: String) throws(CheckpointError) -> SavedState? {
        guard let tensor = file.tensors[name] else {
            logger.warning("the checkpoint holds no \(name); \(missing)")
            return nil
        }
        guard tensor.dtype == .f64, tensor.shape.count == 1, let values = try? tensor.doubles() else {
            throw .wrongDType(name: name, expected: "F64 [n]", found: "\(tensor.dtype.rawValue) \(tensor.shape)")
        }
        return SavedState(values: values)
    }

    /// Takes back the scoring state of a checkpoint written by `checkpointFile`; a checkpoint
    /// without one (an older one) leaves the scoring to learn afresh, with a message.
    public func restoreScoring(from file: SafeTensorsFile) throws(CheckpointError) {
        guard scoring != nil,
            let state = try savedState(Self.scoringTensor, in: file, missing: "the normalisation and the anomaly score start afresh")
        else { return }
        do {
            try scoring!.restore(state)
        } catch {
            throw .badMetadata(key: Self.scoringTensor, reason: "\(error); was it written with other score settings?")
        }
    }
}
