import JSONText

/// Reads one JSON line of `hamlet learn` output, old (no "type") and new formats alike.
public enum RunLineParser {
    /// The keys that say where in the input a step was; audio writes "frame", MQTT "tick".
    static let positionKeys = ["line", "frame", "tick"]

    /// The entry on `line`; nil for a blank line or an object that is neither a record nor an alert
    /// (later versions may add kinds of line, which a plot can ignore).
    public static func parse(_ line: Substring) throws(PlotError) -> RunEntry? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed()
        if trimmed.isEmpty { return nil }
        guard let object = try? JSONParser.parse(Array(String(trimmed).utf8), maximumDepth: 8), object.members != nil
        else { throw .notJSON }
        let type = object["type"]?.string
        guard let step = integer(object["step"]) else {
            if type == "record" || type == "alert" { throw .missingStep }
            return nil
        }
        let position = positionKeys.lazy.compactMap { integer(object[$0]) }.first
        if type == "alert" || (type == nil && object["alert"] != nil) {
            return .alert(
                RunAlert(
                    step: step, position: position, detector: object["detector"]?.string ?? "",
                    kind: object["kind"]?.string ?? "", threshold: number(object["threshold"])))
        }
        if type != nil, type != "record" { return nil }
        return .record(
            RunRecord(
                step: step, position: position, loss: number(object["loss"]), score: number(object["score"]),
                prediction: predictions(object["prediction"])))
    }

    /// A finite number, or nil for null, a missing key or anything else.
    static func number(_ value: JSONValue?) -> Double? {
        guard let double = value?.double, double.isFinite else { return nil }
        return double
    }

    static func integer(_ value: JSONValue?) -> Int? {
        guard let double = number(value), double.rounded() == double, abs(double) < 9e15 else { return nil }
        return Int(double)
    }

    /// A forecast's vector; a classifier writes one class index, kept as a one-element vector.
    /// Null entries become NaN so the other channels keep their indices.
    static func predictions(_ value: JSONValue?) -> [Double] {
        if let array = value?.array { return array.map { number($0) ?? .nan } }
        return number(value).map { [$0] } ?? []
    }
}
