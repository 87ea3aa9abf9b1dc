import FuzzSupport
import VectorStream

/// The CSV / JSON-lines reader behind `hamlet learn`, reading a descriptor as it reads a file or
/// stdin. The first input byte picks the format (or detection), the timestamp column and the line
/// cap. Properties: a record has one value per column, each finite except the timestamp column's
/// documented NaN placeholder (with the time in `timestamp`); line numbers increase; and the reader
/// ends: at most one call per input line plus the end.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVectorStream(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    guard let selector = bytes.first else { return 0 }
    let text = Array(bytes.dropFirst())
    let formats: [VectorFormat?] = [nil, .csv, .jsonLines]
    let timestamps: [TimestampColumn] = [.none, .automatic, .named("t")]
    let options = VectorReaderOptions(timestampColumn: timestamps[Int(selector / 3 % 3)])
    let maxLineBytes = selector & 0x80 != 0 ? 16 : 1 << 20
    let reader = VectorStreamReader(
        fileDescriptor: MemoryFile.holding(text), format: formats[Int(selector % 3)], options: options, maxLineBytes: maxLineBytes)

    let lineCount = text.count { $0 == UInt8(ascii: "\n") } + 1
    var lastLine = 0
    for _ in 0...lineCount {
        do {
            guard let record = try reader.next() else { return 0 }
            fuzzCheck(record.position > lastLine && record.position <= lineCount, "record on line \(record.position) after line \(lastLine)")
            lastLine = record.position
            let timeIndex = reader.timestampColumn.flatMap { reader.columns.firstIndex(of: $0) }
            for (index, value) in record.values.enumerated() where index != timeIndex {
                fuzzCheck(value.isFinite, "line \(record.position): column \(index) holds \(value): \(record.values)")
            }
            if let timeIndex {
                fuzzCheck(record.values[timeIndex].isNaN, "line \(record.position): the timestamp column holds a value")
                fuzzCheck(record.time?.isFinite == true, "line \(record.position): timestamp \(String(describing: record.time))")
            }
            fuzzCheck(record.values.count == reader.columns.count, "line \(record.position): \(record.values.count) values, \(reader.columns.count) columns")
        } catch {
            fuzzCheck(!error.message.isEmpty, "an error without a message")
            if let line = error.position { fuzzCheck(line >= 1 && line <= lineCount, "an error on line \(line) of \(lineCount)") }
            if !error.isRecoverable {
                // Unrecoverable errors stick: the next call must throw the same one.
                do {
                    _ = try reader.next()
                    fuzzCheck(false, "reading went on after an unrecoverable error: \(error)")
                } catch let again {
                    fuzzCheck(again == error, "a different error after an unrecoverable one: \(again) after \(error)")
                }
                return 0
            }
        }
    }
    fuzzCheck(false, "the reader did not end after \(lineCount + 1) calls on \(lineCount) lines")
    return 0
}
