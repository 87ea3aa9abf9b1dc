/// How much a log line matters.
public enum AudioLogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case info, warning, error

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// Where audio sources report rare events (device opened, lost, retrying, overruns).
/// Called from the capture thread, never per period in normal operation; must not block for long.
public typealias AudioLog = @Sendable (AudioLogLevel, String) -> Void
