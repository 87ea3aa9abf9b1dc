/// Why a plot could not be made, said so that the user knows what to change.
public enum PlotError: Error, Equatable, CustomStringConvertible {
    case notJSON
    case missingStep
    case cannotOpen(path: String, reason: String)
    case badLine(path: String, line: Int, reason: String)
    case noRecords(path: String)
    case emptyTable(path: String)
    case unknownChannel(name: String, columns: [String])
    case noNumericChannel(path: String, columns: [String])
    case noJoin(path: String)
    case nothingToPlot
    case predictionChannelOutOfRange(index: Int, count: Int)
    case labelsNeedTimestamps
    case badLabels(path: String, reason: String)
    case labelsKeyNotFound(key: String, nearMatches: [String], example: String?)
    case labelsKeyUnknown
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON: "not a JSON object"
        case .missingStep: "no \"step\" number"
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .badLine(let path, let line, let reason): "\(path), line \(line): \(reason)"
        case .noRecords(let path):
            "\(path) has no record lines; give the JSON lines that `hamlet learn` writes (one {\"step\":…,\"loss\":…} object per line)"
        case .emptyTable(let path): "\(path) has no header line and data rows; --input takes a CSV file with a header"
        case .unknownChannel(let name, let columns):
            "no column \"\(name)\" in --input; --channel takes one of: \(columns.joined(separator: ", "))"
        case .noNumericChannel(let path, let columns):
            "\(path) has no numeric column besides a timestamp (columns: \(columns.joined(separator: ", "))); name one with --channel"
        case .noJoin(let path):
            "no record's \"line\" is a data row of \(path); give the --input file the run was learned from"
        case .nothingToPlot:
            "nothing to draw: the records have no score, and no prediction (or --no-prediction left it out); give --input to plot the input"
        case .predictionChannelOutOfRange(let index, let count):
            "--prediction-channel \(index) is out of range: the records predict \(count) channels (0..<\(count))"
        case .labelsNeedTimestamps:
            "--labels places windows by time, so it needs --input with a timestamp column"
        case .badLabels(let path, let reason): "\(path): \(reason); --labels takes NAB's {\"file\": [[start, end], …]} JSON"
        case .labelsKeyNotFound(let key, let nearMatches, let example):
            "no key \"\(key)\" in --labels"
                + (nearMatches.isEmpty
                    ? example.map { "; pass the input's key with --labels-key (keys look like \"\($0)\")" } ?? " (it has no keys)"
                    : "; near matches: \(nearMatches.joined(separator: ", ")); pass one with --labels-key")
        case .labelsKeyUnknown: "--labels needs --labels-key KEY, or --input whose last two path components are a key"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }

    /// sysexits: 66 for an input that cannot be opened, 64 for arguments that do not fit the data, 65 for bad data.
    public var exitCode: Int32 {
        switch self {
        case .cannotOpen: 66
        case .cannotWrite: 73
        case .unknownChannel, .predictionChannelOutOfRange, .labelsNeedTimestamps, .labelsKeyNotFound, .labelsKeyUnknown: 64
        default: 65
        }
    }
}
