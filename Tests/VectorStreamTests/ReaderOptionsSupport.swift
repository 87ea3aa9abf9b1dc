import Foundation
import VectorStream

/// Every record and error of `text` read with `options`, and the reader's columns and timestamp column.
func read(
    _ text: String, suffix: String = ".csv", options: VectorReaderOptions
) throws -> (columns: [String], timestampColumn: String?, records: [Sample], errors: [SourceError]) {
    try withTemporaryFile(text, suffix: suffix) { path in
        let reader = try VectorStreamReader(path: path, options: options)
        var records: [Sample] = [], errors: [SourceError] = []
        while true {
            do throws(SourceError) {
                guard let record = try reader.next() else { break }
                records.append(record)
            } catch {
                errors.append(error)
                if !error.isRecoverable { break }
            }
        }
        return (reader.columns, reader.timestampColumn, records, errors)
    }
}
