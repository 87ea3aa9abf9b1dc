extension MetricsSnapshot {
    /// The snapshot in the Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE` and one sample per
    /// metric, labelled `agent="<agentID>"`, ending in a newline. No timestamps, since node_exporter's textfile
    /// collector rejects them; `hamlet_snapshot_timestamp_seconds` tells a stale file instead.
    /// NaN stays `NaN` (valid there); a missing resident-memory reading is `NaN` too.
    public func prometheusText(agentID: String) -> String {
        let label = "{agent=\"" + Self.escapeLabelValue(agentID) + "\"} "
        var text = ""
        for field in fields {
            text += "# HELP " + field.prometheusName + " " + Self.escapeHelp(field.help) + "\n"
            text += "# TYPE " + field.prometheusName + " " + field.kind.rawValue + "\n"
            text += field.prometheusName + label + Self.sampleValue(field.value) + "\n"
        }
        return text
    }

    private static func sampleValue(_ value: MetricsField.Value) -> String {
        switch value {
        case .integer(let value): return String(value)
        case .optionalInteger(let value): return value.map { String($0) } ?? "NaN"
        case .flag(let value): return value ? "1" : "0"
        case .real(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
            return value.description
        }
    }

    /// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
    static func escapeLabelValue(_ text: String) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// HELP text escapes backslash and line feed only.
    static func escapeHelp(_ text: String) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
