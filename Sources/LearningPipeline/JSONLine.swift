import DriftDetection
import Glibc
import JSONText

/// The JSON lines of a run. The first key, `type`, tells them apart: `record` (one per reported step),
/// `joined` (a late target's learning step) and `alert`. Lines of one type carry the same keys,
/// with `null` where there is no value, so a consumer can read them as rows.
///
/// `trailing` is text of further fields (`,"time":…`) that a sink adds before the closing brace.
public enum JSONLine {
    /// `{"type":"record","step":…,"line":…,"loss":…,"score":…,"prediction":…}` ("frame" for audio,
    /// "tick" for MQTT); with late targets, `key` (the record's join key) follows the position.
    /// A late target's learning step: `{"type":"joined","step":…,"tick":<the joined record>,"key":…,
    /// "loss":…,"score":…,"prediction":…,"target":…}`; the prediction is the one re-run on the stored input.
    public static func text(_ report: PredictionReport, trailing: String = "") -> String {
        let position = "\"step\":\(report.step),\"\(report.position.name)\":\(report.position.index)"
        let keyField = report.key.map { ",\"key\":\(keyNumber($0))" } ?? ""
        let common = "\(keyField),\"loss\":\(number(report.loss)),\"score\":\(report.score.map { number(Float($0)) } ?? "null"),"
            + predictionFields(report.prediction, classify: report.classify)
        switch report.kind {
        case .record:
            return "{\"type\":\"record\",\(position)\(common)\(trailing)}"
        case .joined(let target):
            let targetField = report.classify ? "\(Int(target[0]))" : "[" + target.map(number).joined(separator: ",") + "]"
            return "{\"type\":\"joined\",\(position)\(common),\"target\":\(targetField)\(trailing)}"
        }
    }

    /// A drift alert: `{"type":"alert","alert":"drift","step":…,"detector":…,"kind":…,"statistic":…,
    /// "threshold":…,"reaction":…}`. A learner fault: `{"type":"alert","alert":"learner-fault","step":…,
    /// "cause":…,"restored_step":…}`, a non-finite step undone; `restored_step` is null when the learner started afresh.
    /// A pipeline stage's neighbour: `{"type":"alert","alert":"stage-neighbour-gone","step":…,"stage":…,
    /// "neighbour":…,"reason":…,"missing":…,"rejected":…,"stale":…}`, and `stage-neighbour-back` with
    /// `absent_seconds` in place of `reason`.
    /// With the alert's `id`, when it has one, first among the trailing fields.
    public static func text(_ report: AlertReport, trailing: String = "") -> String {
        let position = "\"step\":\(report.step)" + (report.position.map { ",\"\($0.name)\":\($0.index)" } ?? "")
        let trailing = (report.id.map { ",\"id\":\(JSONText.string($0))" } ?? "") + trailing
        switch report.cause {
        case .drift(let alert, let reaction):
            return "{\"type\":\"alert\",\"alert\":\"drift\",\(position),"
                + "\"detector\":\(JSONText.string(alert.detector)),\"kind\":\"\(alert.kind.rawValue)\",\"statistic\":\(number(Float(alert.statistic))),"
                + "\"threshold\":\(number(Float(alert.threshold))),\"reaction\":\"\(reaction)\"\(trailing)}"
        case .learnerFault(let fault):
            return "{\"type\":\"alert\",\"alert\":\"learner-fault\",\(position),"
                + "\"cause\":\(JSONText.string(fault.cause)),\"restored_step\":\(fault.restoredStep.map { String($0) } ?? "null")\(trailing)}"
        case .stageNeighbour(let neighbour, let stage):
            let change = neighbour.goneReason.map { ",\"reason\":\(JSONText.string($0))" }
                ?? ",\"absent_seconds\":\(number(Float(neighbour.lastAbsenceSeconds)))"
            return "{\"type\":\"alert\",\"alert\":\"stage-neighbour-\(neighbour.isGone ? "gone" : "back")\",\(position),"
                + "\"stage\":\(stage),\"neighbour\":\(neighbour.stage)\(change),"
                + "\"missing\":\(neighbour.missing),\"rejected\":\(neighbour.rejected),\"stale\":\(neighbour.stale)\(trailing)}"
        }
    }

    /// `{"topic":…,"reason":…}`, the errors topic's report.
    public static func text(_ rejection: InputRejection) -> String {
        "{\"topic\":\(JSONText.string(rejection.topic)),\"reason\":\(JSONText.string(rejection.reason))}"
    }

    /// A join key: whole numbers (sequence numbers) without a fraction, timestamps in full.
    static func keyNumber(_ key: Double) -> String {
        key.rounded() == key && abs(key) < 9e15 ? String(Int64(key)) : "\(key)"
    }

    /// `"prediction":[…]`, or for a classifier the most likely class and the softmax probabilities.
    static func predictionFields(_ prediction: UnsafeBufferPointer<Float>, classify: Bool) -> String {
        guard classify else { return "\"prediction\":[" + prediction.map(number).joined(separator: ",") + "]" }
        let best = prediction.indices.max { prediction[$0] < prediction[$1] } ?? 0
        let weights = prediction.map { expf($0 - prediction[best]) }
        let total = weights.reduce(0, +)
        return "\"prediction\":\(best),\"probabilities\":[" + weights.map { number($0 / total) }.joined(separator: ",") + "]"
    }

    /// JSON has no NaN or infinity: they become null.
    static func number(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
