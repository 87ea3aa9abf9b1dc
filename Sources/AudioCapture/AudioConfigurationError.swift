/// A capture or replay setting that cannot work; `description` names the setting and the fix.
public enum AudioConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(setting: String, value: String, requirement: String)

    public var description: String {
        switch self {
        case .invalid(let setting, let value, let requirement):
            return "\(setting) = \(value) is invalid: \(requirement)"
        }
    }
}
