/// Why `hamlet learn` stopped, in words that say what to fix.
public enum LearnError: Error, CustomStringConvertible, Equatable {
    /// Options that contradict each other or the input.
    case usage(String)
    /// A record that cannot be used, with its line number (see `--skip-bad`).
    case badRecord(line: Int?, String)
    case checkpoint(CheckpointError)
    case output(String)
    /// A pipeline stage that cannot go on: a neighbour silent or sending what this stage cannot use.
    case stage(String)

    public var description: String {
        switch self {
        case .usage(let message): return message
        case .badRecord(let line?, let message): return "line \(line): \(message) (use --skip-bad to skip such lines)"
        case .badRecord(nil, let message): return message
        case .checkpoint(let error): return "\(error)"
        case .output(let message): return message
        case .stage(let message): return message
        }
    }
}
