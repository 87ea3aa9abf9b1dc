/// Parses the header and the records of CSV text, one line at a time (quoted fields cannot span lines).
struct CSVLineParser {
    private struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
    }

    private(set) var columns: [String] = []
    private var fields: [Field] = []  // reused across lines so splitting allocates nothing in steady state

    /// Reads the column names; any problem is fatal because no record can be interpreted without them.
    mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(VectorInputError) {
        if let problem = split(line) { throw VectorInputError(line: number, "header: " + problem, recoverable: false) }
        var names: [String] = []
        var firstPosition: [String: Int] = [:]
        for (position, field) in fields.enumerated() {
            let raw = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
            guard var name = String(validating: raw, as: UTF8.self) else {
                throw VectorInputError(
                    line: number, "header: column \(position + 1) name \(quotedForMessage(raw)) is not valid UTF-8",
                    recoverable: false)
            }
            if field.quoted { name = name.replacing("\"\"", with: "\"") }
            guard !name.isEmpty else {
                throw VectorInputError(line: number, "header: column \(position + 1) has an empty name", recoverable: false)
            }
            if let earlier = firstPosition[name] {
                throw VectorInputError(
                    line: number, "header: duplicate column name \"\(name)\" (columns \(earlier + 1) and \(position + 1))",
                    recoverable: false)
            }
            firstPosition[name] = position
            names.append(name)
        }
        columns = names
    }

    /// The values of one data line, in column order.
    mutating func parseRecord(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, numbers: NumberParser
    ) throws(VectorInputError) -> [Double] {
        if let problem = split(line) { throw VectorInputError(line: number, problem, recoverable: true) }
        guard fields.count == columns.count else {
            throw VectorInputError(
                line: number,
                "expected \(counted(columns.count, "field")) (\(columnList(columns))), found \(fields.count)",
                recoverable: true)
        }
        var values: [Double] = []
        values.reserveCapacity(fields.count)
        for (position, field) in fields.enumerated() {
            guard field.end > field.start else {
                throw VectorInputError(line: number, "column \"\(columns[position])\" is empty", recoverable: true)
            }
            let raw = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
            let problem: String
            switch numbers.parseLenient(raw) {
            case .value(let value):
                values.append(value)
                continue
            case .notANumber: problem = "is not a number"
            case .notFinite: problem = "is not a finite number"
            case .outOfRange: problem = "is out of range for a Double"
            }
            throw VectorInputError(
                line: number, "column \"\(columns[position])\": \(quotedForMessage(raw)) \(problem)", recoverable: true)
        }
        return values
    }

    /// Fills `fields` with the trimmed contents of each comma-separated field (inside the quotes for quoted
    /// ones); returns a message when the quoting is malformed.
    private mutating func split(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        fields.removeAll(keepingCapacity: true)
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let n = line.count
        var i = 0
        while true {
            while i < n && isBlankByte(line[i]) { i += 1 }
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
                while i < n && isBlankByte(line[i]) { i += 1 }
                guard i == n || line[i] == comma else {
                    return "unexpected text after the closing quote in column \(fields.count + 1)"
                }
            } else {
                field = Field(start: i, end: i, quoted: false)
                while i < n && line[i] != comma { i += 1 }
                field.end = i
            }
            // Whitespace inside quotes is trimmed too: `" 1.5"` is meant as the number 1.5.
            while field.start < field.end && isBlankByte(line[field.start]) { field.start += 1 }
            while field.end > field.start && isBlankByte(line[field.end - 1]) { field.end -= 1 }
            fields.append(field)
            if i >= n { return nil }
            i += 1  // the comma
        }
    }
}
