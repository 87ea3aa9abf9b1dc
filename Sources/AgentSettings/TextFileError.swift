import DurableFiles

/// Why a configuration or overrides file could not be read.
enum TextFileError: Error, CustomStringConvertible {
    case file(FileOperationError)
    /// More than `limit` bytes: not a configuration (or not one this agent should parse).
    case tooLarge(path: String, limit: Int)

    var description: String {
        switch self {
        case .file(let error): return error.description
        case .tooLarge(_, let limit):
            return "is larger than \(limit / 1_048_576) MiB (\(limit) bytes), the limit for a configuration file; a complete "
                + "configuration (config/hamlet.yaml) is about 10 kB: is this the right file?"
        }
    }
}
