/// One thing wrong with the configuration: where it came from, which setting, and what to change.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// What held the offending value: a file path, `$HAMLET_…` for one environment variable, or
    /// `environment` for a variable that names no setting.
    public var source: String
    /// The 1-based line in `source` when it is a YAML file and the line is known.
    public var line: Int?
    /// The setting, dotted like the YAML (`source.mqtt.sensors[2].topic`); the variable's name for
    /// an unknown environment variable; empty for a problem with the whole file.
    public var keyPath: String
    /// What is wrong and what to do about it, without the key path.
    public var message: String

    public init(source: String, line: Int? = nil, keyPath: String, message: String) {
        (self.source, self.line, self.keyPath, self.message) = (source, line, keyPath, message)
    }

    /// `file:line: key.path: message`, the line and key path only where known.
    public var description: String {
        var text = source
        if let line { text += ":\(line)" }
        if !keyPath.isEmpty { text += ": \(keyPath)" }
        return text + ": " + message
    }
}
