import VectorStream
import FoundationEssentials

/// One channel of the CSV a run learned from, and its timestamps, by the file's 1-based line number.
public struct InputTable: Sendable {
    public let path: String
    public let columns: [String]
    public let channel: String
    /// The channel's index among the columns a learner sees once the time column is ignored, which is
    /// its index in the records' "prediction" when the run learned every other column.
    public let learnedIndex: Int
    /// Values of the data rows; line L of the file is `values[L - 2]` (the header is line 1). NaN where empty.
    public let values: [Double]
    /// Seconds since 1970 of each data row, when the table has a timestamp column that parses.
    public let times: [Double]?

    static let timeColumns: Set<String> = ["timestamp", "time"]

    /// Reads `path`; `channel` nil picks the first numeric column that is not a timestamp or time.
    public static func read(path: String, channel: String?) throws(PlotError) -> InputTable {
        let lines = try TextLines(path: path)
        guard let header = lines.next(), let first = lines.next() else { throw .emptyTable(path: path) }
        let columns = CSVFields.split(header).map { $0.trimmingBlanks }
        let firstRow = CSVFields.split(first)
        let timeIndex = columns.firstIndex { timeColumns.contains($0.lowercased()) }
        let channelIndex: Int
        if let channel {
            guard let index = columns.firstIndex(of: channel) else { throw .unknownChannel(name: channel, columns: columns) }
            channelIndex = index
        } else {
            guard
                let index = columns.indices.first(where: {
                    $0 != timeIndex && $0 < firstRow.count && Double(firstRow[$0].trimmingBlanks) != nil
                })
            else { throw .noNumericChannel(path: path, columns: columns) }
            channelIndex = index
        }
        var values: [Double] = []
        // Times only when the first row's parses: a "time" column of plain numbers labels nothing.
        let hasTimes = timeIndex.map { $0 < firstRow.count && Timestamp.seconds(firstRow[$0]) != nil } ?? false
        var times: [Double]? = hasTimes ? [] : nil
        var row: Substring? = first
        while let line = row {
            defer { row = lines.next() }
            // A blank line (often the last) still takes its line number, so the join stays aligned.
            if line.allSatisfy(\.isWhitespace) {
                values.append(.nan)
                times?.append(.nan)
                continue
            }
            let fields = CSVFields.split(line)
            let text = channelIndex < fields.count ? fields[channelIndex].trimmingBlanks : ""
            values.append(Double(text) ?? .nan)
            if times != nil, let timeIndex {
                guard timeIndex < fields.count, let seconds = Timestamp.seconds(fields[timeIndex]) else {
                    throw .badLine(path: path, line: lines.lineNumber, reason: "\"\(columns[timeIndex])\" is not a time like 2014-04-01 00:00:00")
                }
                times?.append(seconds)
            }
        }
        let learnedIndex = channelIndex - (timeIndex.map { $0 < channelIndex ? 1 : 0 } ?? 0)
        return InputTable(
            path: path, columns: columns, channel: columns[channelIndex], learnedIndex: learnedIndex, values: values, times: times)
    }

    /// The value on 1-based `line`, nil outside the data rows.
    public func value(line: Int) -> Double? {
        let index = line - 2
        return values.indices.contains(index) ? values[index] : nil
    }

    public func time(line: Int) -> Double? {
        let index = line - 2
        guard let times, times.indices.contains(index) else { return nil }
        return times[index]
    }
}
