import DriftDetection
import Glibc
import JSONText

/// One JSON object per step: `{"step":…,"line":…,"loss":…,"prediction":…}` ("frame" for audio).
enum PredictionLine {
    static func format(step: Int64, position: String, index: Int, loss: Float, score: Double?, predictionFields: String) -> String {
        let scoreField = score.map { ",\"score\":\(number(Float($0)))" } ?? ""
        return "{\"step\":\(step),\"\(position)\":\(index),\"loss\":\(number(loss))\(scoreField),\(predictionFields)}"
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
