import DriftDetection
import HamiltonianLearning
import LearningPipeline

/// The last stage's part of `hamlet run`: each step's loss goes to the drift detectors, and the
/// predictions and alerts go to the sinks as a whole agent's do.
///
/// The prediction stays in the learner's normalised units: the normalisation lives on the first
/// stage. A line's `record` is the record (counted from 0 at the first stage's source) that the
/// step's target came from. Drift alerts do not change learning here (reaction `none`): a boost
/// or reset on the last stage alone would leave the stages below learning as before.
final class StageOutput {
    let sink: any OutputSink
    private var drift: DriftStage?
    private var alerts: [DriftAlert] = []
    private var losses = LossWindow()
    private(set) var driftAlerts = 0
    /// The anomaly score of the loss after the latest step (NaN before the detectors start).
    private(set) var latestScore = Double.nan

    init(sink: any OutputSink, drift: DriftOptions?) {
        self.sink = sink
        self.drift = drift.map { DriftStage($0) }
    }

    /// Mean loss over the last `LossWindow.size` steps.
    var recentMeanLoss: Double { losses.mean }

    /// Reports step `step` (the steps completed, counting this one): its loss, the prediction in
    /// `prediction` and any alert it raised.
    func report(step: Int64, loss: Float, prediction: ScalarBuffer<Float>, every: Int) throws(LearnError) {
        losses.add(loss)
        var score: Double?
        if drift != nil {
            score = drift!.update(loss: Double(loss)) { alerts.append($0) }
            latestScore = score!
        }
        // Step t (counted from 0) learned the forecast of record t + 1.
        let record = RecordPosition(name: "record", index: Int(step))
        if step % Int64(every) == 0 {
            try sink.prediction(
                PredictionReport(
                    kind: .record, step: step, position: record, key: nil, loss: loss, score: score,
                    prediction: UnsafeBufferPointer(start: prediction.pointer, count: prediction.count), classify: false))
        }
        guard !alerts.isEmpty else { return }
        defer { alerts.removeAll(keepingCapacity: true) }
        for alert in alerts {
            driftAlerts += 1
            try sink.alert(AlertReport(.drift(alert, reaction: "none"), step: step, position: record))
        }
    }

    /// The drift detectors' state, for the stage's checkpoint; nil without detectors.
    var savedState: SavedState? { drift?.savedState }

    func restore(_ state: SavedState) throws(SavedStateError) { try drift?.restore(state) }
}
