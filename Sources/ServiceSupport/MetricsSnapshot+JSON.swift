import JSONText

extension MetricsSnapshot {
    /// One JSON object on one line (no trailing newline), keys in snake_case as in `schemas/metrics.schema.json`;
    /// NaN and infinities become `null`, since JSON has no spelling for them.
    public var jsonText: String {
        var text = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { text += "," }
            JSONText.writeString(field.jsonKey, to: &text)
            text += ":"
            switch field.value {
            case .integer(let value): text += String(value)
            case .optionalInteger(let value): text += value.map { String($0) } ?? "null"
            case .real(let value): text += value.isFinite ? value.description : "null"
            case .flag(let value): text += value ? "true" : "false"
            }
        }
        return text + "}"
    }
}
