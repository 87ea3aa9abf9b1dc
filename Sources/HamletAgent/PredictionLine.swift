import DriftDetection
import Glibc
import JSONText

/// One JSON object per step: `{"step":…,"line":…,"loss":…,"prediction":…}` ("frame" for audio).
enum PredictionLine {
    /// With late targets, `key` (the record's join key) follows the position.
    static func format(
        step: Int64, position: String, index: Int, key: Double? = nil, loss: Float, score: Double?, predictionFields: String
    ) -> String {
        let scoreField = score.map { ",\"score\":\(number(Float($0)))" } ?? ""
        let keyField = key.map { ",\"key\":\(keyNumber($0))" } ?? ""
        return "{\"step\":\(step),\"\(position)\":\(index)\(keyField),\"loss\":\(number(loss))\(scoreField),\(predictionFields)}"
    }

    /// A late target's learning step: `{"step":…,"tick":<the joined record>,"key":…,"joined":true,
    /// "loss":…,"prediction":…,"target":…}`; the prediction is the one re-run on the stored input.
    static func joined(
        step: Int64, position: String, index: Int, key: Double, loss: Float, score: Double?, predictionFields: String,
        target: [Float], classify: Bool
    ) -> String {
        let scoreField = score.map { ",\"score\":\(number(Float($0)))" } ?? ""
        let targetField = classify ? "\(Int(target[0]))" : "[" + target.map(number).joined(separator: ",") + "]"
        return "{\"step\":\(step),\"\(position)\":\(index),\"key\":\(keyNumber(key)),\"joined\":true,"
            + "\"loss\":\(number(loss))\(scoreField),\(predictionFields),\"target\":\(targetField)}"
    }

    /// A join key: whole numbers (sequence numbers) without a fraction, timestamps in full.
    static func keyNumber(_ key: Double) -> String {
        key.rounded() == key && abs(key) < 9e15 ? String(Int64(key)) : "\(key)"
    }

    /// `{"alert":"drift","step":…,"detector":…,"kind":…,"statistic":…,"threshold":…,"reaction":…}`.
    static func alert(_ alert: DriftAlert, step: Int64, position: String, index: Int, reaction: String) -> String {
        "{\"alert\":\"drift\",\"step\":\(step),\"\(position)\":\(index),\"detector\":\(JSONText.string(alert.detector)),"
            + "\"kind\":\"\(alert.kind.rawValue)\",\"statistic\":\(number(Float(alert.statistic))),"
            + "\"threshold\":\(number(Float(alert.threshold))),\"reaction\":\"\(reaction)\"}"
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
