import Foundation

/// Reads one JSON line of `hamlet learn` output, old (no "type") and new formats alike.
public enum RunLineParser {
    /// The keys that say where in the input a step was; audio writes "frame", MQTT "tick".
    static let positionKeys = ["line", "frame", "tick"]

    /// The entry on `line`; nil for a blank line or an object that is neither a record nor an alert
    /// (later versions may add kinds of line, which a plot can ignore).
    public static func parse(_ line: Substring) throws(PlotError) -> RunEntry? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard let data = trimmed.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw .notJSON }
        let type = object["type"] as? String
        guard let step = integer(object["step"]) else {
            if type == "record" || type == "alert" { throw .missingStep }
            return nil
        }
        let position = positionKeys.lazy.compactMap { integer(object[$0]) }.first
        if type == "alert" || (type == nil && object["alert"] != nil) {
            return .alert(
                RunAlert(
                    step: step, position: position, detector: object["detector"] as? String ?? "",
                    kind: object["kind"] as? String ?? "", threshold: number(object["threshold"])))
        }
        if type != nil, type != "record" { return nil }
        return .record(
            RunRecord(
                step: step, position: position, loss: number(object["loss"]), score: number(object["score"]),
                prediction: predictions(object["prediction"])))
    }

    /// A finite number, or nil for null, a missing key or anything else.
    static func number(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }

    static func integer(_ value: Any?) -> Int? {
        guard let double = number(value), double.rounded() == double, abs(double) < 9e15 else { return nil }
        return Int(double)
    }

    /// A forecast's vector; a classifier writes one class index, kept as a one-element vector.
    /// Null entries become NaN so the other channels keep their indices.
    static func predictions(_ value: Any?) -> [Double] {
        if let array = value as? [Any] { return array.map { number($0) ?? .nan } }
        return number(value).map { [$0] } ?? []
    }
}
