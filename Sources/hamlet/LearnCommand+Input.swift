import FoundationEssentials
import HamletAgent
import VectorStream

extension LearnCommand {
    /// How the input file is read, from --timestamp-column, --delimiter, --inputs, --targets and --ignore.
    func readerOptions() -> VectorReaderOptions {
        let timestamp: TimestampColumn =
            noTimestampColumn ? .none : timestampColumn.map { .named($0) } ?? .automatic
        // The inputs and targets are all a run reads; with --inputs, that is known before the header.
        let parsed: ParsedColumns =
            columnList(inputs).map { .only(Set($0 + (columnList(targets) ?? []))) }
            ?? .allExcept(Set(columnList(ignore) ?? []))
        // The learner computes in Float: a larger value would be infinite there, as the MQTT path already refuses.
        return VectorReaderOptions(
            delimiter: delimiter?.byte, timestampColumn: timestamp, parsedColumns: parsed, maximumMagnitude: VectorReaderOptions.floatRange)
    }

    /// The names in a comma-separated option.
    func columnList(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { String($0).trimmingBlanks } }
    }
}
