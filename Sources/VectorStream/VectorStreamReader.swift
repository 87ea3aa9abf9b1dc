#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams numeric records from CSV-with-header or JSON-lines text on a file descriptor, a line at a time.
///
/// Memory stays bounded by the longest allowed line whatever the input length, and a record is returned as
/// soon as its newline arrives, so it suits endless pipes. Not thread-safe: use it from one thread at a time.
///
/// Empty input (nothing but blank lines) yields no records and leaves `columns` empty; it is not an error.
/// NaN and infinities are rejected in both formats, as are values that overflow Double. Columns left out by
/// `VectorReaderOptions.parsedColumns` may hold anything and read as NaN; the timestamp column is read into
/// `Sample.time` (and reads as NaN among the values).
public final class VectorStreamReader {
    /// Column names: the CSV header, or from the first well-formed JSON record; empty until then.
    public private(set) var columns: [String] = []
    /// The input format: given, implied by the file extension, or sniffed from the first non-blank line
    /// ('{' or '[' means JSON lines); nil until known.
    public private(set) var format: VectorFormat?
    /// The column read as each record's timestamp; nil without one, or until the columns are known.
    public var timestampColumn: String? {
        switch format {
        case .csv: csv.plan.timestampName
        case .jsonLines: json.plan.timestampName
        case nil: nil
        }
    }

    private let lines: LineReader
    private let ownsDescriptor: Bool
    private let numbers = NumberParser()
    private var csv: CSVLineParser
    private var json: JSONLineParser
    private var stickyError: SourceError?

    /// Opens `path`, or reads standard input when it is nil; `format` nil means detect it.
    /// Lines longer than `maxLineBytes` (> 0; the line ending not counted) are reported and skipped.
    public convenience init(
        path: String?, format: VectorFormat? = nil, options: VectorReaderOptions = VectorReaderOptions(),
        maxLineBytes: Int = 1 << 20
    ) throws(SourceError) {
        guard let path else {
            self.init(
                descriptor: 0, ownsDescriptor: false, sourceName: "standard input", format: format, options: options,
                maxLineBytes: maxLineBytes)
            return
        }
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw SourceError(position: nil, "cannot open \(path): \(String(cString: strerror(errno)))", recoverable: false)
        }
        var status = stat()
        if fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw SourceError(position: nil, "cannot read \(path): Is a directory", recoverable: false)
        }
        self.init(
            descriptor: descriptor, ownsDescriptor: true, sourceName: path,
            format: format ?? VectorFormat(fileExtensionOf: path), options: options, maxLineBytes: maxLineBytes)
    }

    /// Reads an already open descriptor (a pipe, a socket, a file), which the caller keeps and closes.
    public convenience init(
        fileDescriptor: Int32, format: VectorFormat? = nil, options: VectorReaderOptions = VectorReaderOptions(),
        maxLineBytes: Int = 1 << 20
    ) {
        self.init(
            descriptor: fileDescriptor, ownsDescriptor: false, sourceName: "file descriptor \(fileDescriptor)",
            format: format, options: options, maxLineBytes: maxLineBytes)
    }

    private init(
        descriptor: Int32, ownsDescriptor: Bool, sourceName: String, format: VectorFormat?, options: VectorReaderOptions,
        maxLineBytes: Int
    ) {
        lines = LineReader(fd: descriptor, sourceName: sourceName, maxLineBytes: maxLineBytes)
        csv = CSVLineParser(options: options)
        json = JSONLineParser(options: options)
        self.ownsDescriptor = ownsDescriptor
        self.format = format
    }

    deinit {
        if ownsDescriptor { close(lines.fd) }
    }

    /// Fills `sample` with the next record, in place (its values' storage is kept across records);
    /// false at end of input. A recoverable error consumed only its own line, so calling again
    /// continues with the following one; after an unrecoverable error every call rethrows it.
    /// After a throw the sample's contents are unspecified.
    public func next(into sample: inout Sample) throws(SourceError) -> Bool {
        if let stickyError { throw stickyError }
        do {
            return try readRecord(into: &sample)
        } catch {
            if !error.isRecoverable { stickyError = error }
            throw error
        }
    }

    /// The positions of `names` in `columns`, in the order given.
    public func columnIndices(of names: [String]) throws(SourceError) -> [Int] {
        var indices: [Int] = []
        for name in names {
            guard let index = columns.firstIndex(of: name) else {
                let known = columns.isEmpty ? "no columns are known yet" : "the columns are \(columnList(columns, limit: 50))"
                throw SourceError(position: nil, "no column named \"\(name)\"; \(known)", recoverable: false)
            }
            indices.append(index)
        }
        return indices
    }

    /// The next record in a new sample, or nil at end of input (for callers that keep each record).
    public func next() throws(SourceError) -> Sample? {
        var sample = Sample(position: 0, values: [])
        return try next(into: &sample) ? sample : nil
    }

    private func readRecord(into sample: inout Sample) throws(SourceError) -> Bool {
        while let event = try lines.next() {
            switch event {
            case .tooLong(let number):
                let problem = "line is longer than \(lines.maxLineBytes) bytes"
                // Without the header no later line can be interpreted, so there is nothing to resync to.
                let headerPending = format == nil || (format == .csv && columns.isEmpty)
                throw SourceError(
                    position: number, headerPending ? problem + ", so the column names cannot be read" : problem,
                    recoverable: !headerPending)
            case .line(let number, let bytes):
                guard let first = bytes.first(where: { !isBlankByte($0) }) else { continue }
                let format = self.format ?? VectorFormat.sniffed(fromFirstByte: first)
                self.format = format
                switch format {
                case .csv:
                    if columns.isEmpty {
                        try csv.readHeader(bytes, number: number)
                        columns = csv.columns
                        continue
                    }
                    try csv.parseRecord(bytes, number: number, numbers: numbers, into: &sample)
                    return true
                case .jsonLines:
                    try json.parse(bytes, number: number, numbers: numbers, into: &sample)
                    if columns.isEmpty { columns = json.columns }
                    return true
                }
            }
        }
        return false
    }
}
