import DriftDetection
import Glibc
import JSONText

/// The JSON lines of a run. The first key, `type`, tells them apart: `record` (one per reported step),
/// `joined` (a late target's learning step) and `alert`. Lines of one type carry the same keys,
/// with `null` where there is no value, so a consumer can read them as rows.
enum PredictionLine {
    /// `{"type":"record","step":…,"line":…,"loss":…,"score":…,"prediction":…}` ("frame" for audio,
    /// "tick" for MQTT); with late targets, `key` (the record's join key) follows the position.
    static func format(
        step: Int64, position: String, index: Int, key: Double? = nil, loss: Float, score: Double?, predictionFields: String
    ) -> String {
        let keyField = key.map { ",\"key\":\(keyNumber($0))" } ?? ""
        return "{\"type\":\"record\",\"step\":\(step),\"\(position)\":\(index)\(keyField),\"loss\":\(number(loss)),"
            + "\"score\":\(score.map { number(Float($0)) } ?? "null"),\(predictionFields)}"
    }

    /// A late target's learning step: `{"type":"joined","step":…,"tick":<the joined record>,"key":…,
    /// "loss":…,"score":…,"prediction":…,"target":…}`; the prediction is the one re-run on the stored input.
    static func joined(
        step: Int64, position: String, index: Int, key: Double, loss: Float, score: Double?, predictionFields: String,
        target: [Float], classify: Bool
    ) -> String {
        let targetField = classify ? "\(Int(target[0]))" : "[" + target.map(number).joined(separator: ",") + "]"
        return "{\"type\":\"joined\",\"step\":\(step),\"\(position)\":\(index),\"key\":\(keyNumber(key)),"
            + "\"loss\":\(number(loss)),\"score\":\(score.map { number(Float($0)) } ?? "null"),\(predictionFields),"
            + "\"target\":\(targetField)}"
    }

    /// A join key: whole numbers (sequence numbers) without a fraction, timestamps in full.
    static func keyNumber(_ key: Double) -> String {
        key.rounded() == key && abs(key) < 9e15 ? String(Int64(key)) : "\(key)"
    }

    /// `{"type":"alert","alert":"drift","step":…,"detector":…,"kind":…,"statistic":…,"threshold":…,"reaction":…}`.
    static func alert(_ alert: DriftAlert, step: Int64, position: String, index: Int, reaction: String) -> String {
        "{\"type\":\"alert\",\"alert\":\"drift\",\"step\":\(step),\"\(position)\":\(index),"
            + "\"detector\":\(JSONText.string(alert.detector)),\"kind\":\"\(alert.kind.rawValue)\",\"statistic\":\(number(Float(alert.statistic))),"
            + "\"threshold\":\(number(Float(alert.threshold))),\"reaction\":\"\(reaction)\"}"
    }

    /// `{"type":"alert","alert":"learner-fault","step":…,"cause":…,"restored_step":…}`: a non-finite
    /// step undone; `restored_step` is null when the learner started afresh.
    static func learnerFault(_ fault: LearnerFault, step: Int64, position: String, index: Int) -> String {
        "{\"type\":\"alert\",\"alert\":\"learner-fault\",\"step\":\(step),\"\(position)\":\(index),"
            + "\"cause\":\(JSONText.string(fault.cause)),\"restored_step\":\(fault.restoredStep.map { String($0) } ?? "null")}"
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
