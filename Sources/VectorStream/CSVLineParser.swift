/// Parses the header and the records of CSV text, one line at a time (quoted fields cannot span lines).
struct CSVLineParser {
    private struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
    }

    private(set) var columns: [String] = []
    /// How each column is read; set with the header.
    private(set) var plan = ColumnPlan(roles: [], timestampName: nil)
    private let options: VectorReaderOptions
    private var delimiter: UInt8
    private var fields: [Field] = []  // reused across lines so splitting allocates nothing in steady state

    init(options: VectorReaderOptions) {
        self.options = options
        delimiter = options.delimiter ?? UInt8(ascii: ",")
    }

    /// Reads the column names; any problem is fatal because no record can be interpreted without them.
    mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(SourceError) {
        if options.delimiter == nil { delimiter = Self.likelyDelimiter(of: line) }
        if let problem = split(line) { throw SourceError(position: number, "header: " + problem, recoverable: false) }
        var names: [String] = []
        var firstPosition: [String: Int] = [:]
        // Index loops: the enumerated sequence's generic iterator allocates per field in debug builds.
        for position in 0..<fields.count {
            let field = fields[position]
            let raw = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
            guard var name = String(validating: raw, as: UTF8.self) else {
                throw SourceError(
                    position: number, "header: column \(position + 1) name \(quotedForMessage(raw)) is not valid UTF-8",
                    recoverable: false)
            }
            if field.quoted { name = name.replacing("\"\"", with: "\"") }
            guard !name.isEmpty else {
                throw SourceError(position: number, "header: column \(position + 1) has an empty name", recoverable: false)
            }
            if let earlier = firstPosition[name] {
                throw SourceError(
                    position: number, "header: duplicate column name \"\(name)\" (columns \(earlier + 1) and \(position + 1))",
                    recoverable: false)
            }
            firstPosition[name] = position
            names.append(name)
        }
        guard let plan = options.plan(for: names) else {
            throw SourceError(position: number, options.missingTimestampMessage(columns: names), recoverable: false)
        }
        columns = names
        self.plan = plan
    }

    /// The separator a header line most likely uses: whichever of `,` `;` and tab occurs most often outside
    /// quotes (`,` on a tie, and when there is none: a one-column file).
    static func likelyDelimiter(of line: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09]
        var counts = [0, 0, 0]
        var quoted = false
        for byte in line {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted, let index = candidates.firstIndex(of: byte) {
                counts[index] += 1
            }
        }
        let best = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
        return candidates[best]
    }

    /// One data line as a record: numbers in column order (NaN where not parsed) and the timestamp.
    /// Fills `sample` in place (its values' storage is kept); on a throw its contents are unspecified.
    mutating func parseRecord(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, numbers: NumberParser, into sample: inout Sample
    ) throws(SourceError) {
        if let problem = split(line) { throw SourceError(position: number, problem, recoverable: true) }
        guard fields.count == columns.count else {
            throw SourceError(
                position: number,
                "expected \(counted(columns.count, "field")) (\(columnList(columns))), found \(fields.count)",
                recoverable: true)
        }
        sample.position = number
        sample.time = nil
        sample.values.removeAll(keepingCapacity: true)
        // Index loops: the enumerated sequence's generic iterator allocates per field in debug builds.
        for position in 0..<fields.count {
            let field = fields[position]
            let role = plan.roles[position]
            guard role != .unparsed else {
                sample.values.append(.nan)
                continue
            }
            guard field.end > field.start else {
                throw SourceError(position: number, "column \"\(columns[position])\" is empty", recoverable: true)
            }
            let raw = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
            let problem: String
            if role == .timestamp {
                if let seconds = TimestampParser.parse(raw, numbers: numbers) {
                    sample.time = seconds
                    sample.values.append(.nan)
                    continue
                }
                problem = TimestampParser.expectation
            } else {
                switch numbers.parseLenient(raw) {
                case .value(let value):
                    if let refused = options.magnitudeProblem(value) {
                        problem = refused
                    } else {
                        sample.values.append(value)
                        continue
                    }
                case .notANumber: problem = "is not a number"
                case .notFinite: problem = "is not a finite number"
                case .outOfRange: problem = "is out of range for a Double"
                }
            }
            throw SourceError(
                position: number, "column \"\(columns[position])\": \(quotedForMessage(raw)) \(problem)", recoverable: true)
        }
    }

    /// Fills `fields` with the trimmed contents of each delimited field (inside the quotes for quoted
    /// ones); returns a message when the quoting is malformed.
    private mutating func split(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        fields.removeAll(keepingCapacity: true)
        let quote = UInt8(ascii: "\"")
        let delimiter = self.delimiter
        let n = line.count
        var i = 0
        while true {
            while i < n && isBlank(line[i]) { i += 1 }
            var field: Field
            if i < n && line[i] == quote {
                i += 1
                field = Field(start: i, end: i, quoted: true)
                while true {
                    guard i < n else { return "unterminated quoted field in column \(fields.count + 1)" }
                    if line[i] == quote {
                        if i + 1 < n && line[i + 1] == quote {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                field.end = i
                i += 1
                while i < n && isBlank(line[i]) { i += 1 }
                guard i == n || line[i] == delimiter else {
                    return "unexpected text after the closing quote in column \(fields.count + 1)"
                }
            } else {
                field = Field(start: i, end: i, quoted: false)
                while i < n && line[i] != delimiter { i += 1 }
                field.end = i
            }
            // Whitespace inside quotes is trimmed too: `" 1.5"` is meant as the number 1.5.
            while field.start < field.end && isBlank(line[field.start]) { field.start += 1 }
            while field.end > field.start && isBlank(line[field.end - 1]) { field.end -= 1 }
            fields.append(field)
            if i >= n { return nil }
            i += 1  // the delimiter
        }
    }

    /// Blank bytes are trimmed around fields, except a tab that separates them.
    private func isBlank(_ byte: UInt8) -> Bool {
        isBlankByte(byte) && byte != delimiter
    }
}
