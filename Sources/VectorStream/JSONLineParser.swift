/// A JSON syntax error or an unsupported construct in one line; the message is complete.
struct JSONFailure: Error {
    let message: String
}

/// Parses JSON lines whose records are all arrays of numbers or all objects whose values are numbers.
struct JSONLineParser {
    private enum Form { case array, object }

    private enum Value {
        case number(Double)
        case notFinite(String)
        case outOfRange(String)
        case refused(String)  // beyond `VectorReaderOptions.maximumMagnitude`, the whole problem
        case other(String)  // what was found instead, e.g. "a string"
        case timestamp(Double)
        case notTimestamp(String)  // the text found, for the message
        case unparsed
    }

    /// Fixed by the first well-formed record: "x0", "x1", … for arrays, the keys in text order for objects.
    private(set) var columns: [String] = []
    private var form: Form?
    private var columnKeys: [[UInt8]] = []  // lets a key in the usual position match without making a String
    private var indexOfColumn: [String: Int] = [:]
    private var seen: [Bool] = []
    private var key: [UInt8] = []
    private var text: [UInt8] = []  // a timestamp string's bytes
    /// How each column is read; set with the columns.
    private(set) var plan = ColumnPlan(roles: [], timestampName: nil)
    private let options: VectorReaderOptions
    /// While no columns are known: the timestamp column the first record's keys imply.
    private var firstTimestampName: String?
    private var timestamp: Double?

    init(options: VectorReaderOptions) { self.options = options }

    /// One non-blank line as a record, values in column order; a malformed line leaves the columns unchanged.
    /// Fills `sample` in place (its values' storage is kept); on a throw its contents are unspecified.
    mutating func parse(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, numbers: NumberParser, into sample: inout Sample
    ) throws(SourceError) {
        var cursor = JSONCursor(bytes: line)
        timestamp = nil
        sample.values.removeAll(keepingCapacity: true)
        var newColumns: (Form, [String])?
        do throws(JSONFailure) {
            var problem: String?
            cursor.skipWhitespace()
            switch cursor.peek {
            case UInt8(ascii: "["):
                if form == nil, case .named(let name) = options.timestampColumn { firstTimestampName = name }
                problem = try parseArray(&cursor, numbers: numbers, into: &sample.values)
                if problem == nil && form == nil { newColumns = (.array, sample.values.indices.map { "x\($0)" }) }
            case UInt8(ascii: "{"):
                if form == nil {
                    firstTimestampName = options.timestampColumn.resolved(in: Self.keys(of: cursor), parsed: options.parsedColumns)
                }
                var firstKeys: [String] = []
                problem = try parseObject(&cursor, numbers: numbers, firstKeys: &firstKeys, into: &sample.values)
                if problem == nil && form == nil { newColumns = (.object, firstKeys) }
            default:
                problem = "expected a JSON array or object, found \(try cursor.skipValue(depth: 0))"
            }
            cursor.skipWhitespace()
            guard cursor.atEnd else { throw cursor.syntaxError(expected: "the end of the line") }
            if let problem { throw JSONFailure(message: problem) }
        } catch {
            throw SourceError(position: number, error.message, recoverable: true)
        }
        if let (newForm, names) = newColumns {
            guard let plan = options.plan(for: names) else {
                throw SourceError(position: number, options.missingTimestampMessage(columns: names), recoverable: false)
            }
            self.plan = plan
            form = newForm
            columns = names
            columnKeys = names.map { Array($0.utf8) }
            indexOfColumn = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            seen = Array(repeating: false, count: names.count)
        }
        sample.position = number
        sample.time = timestamp
    }

    /// The keys of the object at `cursor`, as far as it is well formed (the real parse reports any error).
    private static func keys(of start: JSONCursor) -> [String] {
        var cursor = start
        var keys: [String] = []
        var buffer: [UInt8] = []
        cursor.index += 1
        cursor.skipWhitespace()
        do throws(JSONFailure) {
            while cursor.peek == UInt8(ascii: "\"") {
                try cursor.scanString(into: &buffer, keep: true)
                keys.append(String(decoding: buffer, as: UTF8.self))
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: ":") else { break }
                cursor.index += 1
                cursor.skipWhitespace()
                _ = try cursor.skipValue(depth: 1)
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: ",") else { break }
                cursor.index += 1
                cursor.skipWhitespace()
            }
        } catch {}
        return keys
    }

    /// The role of the column at `position` named `name` (computed while the first record defines them).
    private func role(at position: Int?, name: () -> String) -> ColumnRole {
        if form != nil {
            guard let position, position < plan.roles.count else { return .number }  // a shape problem anyway
            return plan.roles[position]
        }
        let name = name()
        if name == firstTimestampName { return .timestamp }
        return options.parsedColumns.contains(name) ? .number : .unparsed
    }

    /// Appends the array's values to the empty `values`; returns the record's problem, if any.
    private mutating func parseArray(
        _ cursor: inout JSONCursor, numbers: NumberParser, into values: inout [Double]
    ) throws(JSONFailure) -> String? {
        cursor.index += 1
        cursor.skipWhitespace()
        var valueProblem: String?
        if cursor.peek == UInt8(ascii: "]") {
            cursor.index += 1
        } else {
            while true {
                let position = values.count
                switch try scanValue(&cursor, role: role(at: position) { "x\(position)" }, numbers: numbers) {
                case .number(let value):
                    values.append(value)
                case .unparsed:
                    values.append(.nan)
                case .timestamp(let seconds):
                    timestamp = seconds
                    values.append(.nan)
                case let other:
                    values.append(0)
                    if valueProblem == nil { valueProblem = describe(other, label: "column \"x\(position)\"") }
                }
                cursor.skipWhitespace()
                if cursor.peek == UInt8(ascii: ",") {
                    cursor.index += 1
                    cursor.skipWhitespace()
                } else if cursor.peek == UInt8(ascii: "]") {
                    cursor.index += 1
                    break
                } else {
                    throw cursor.syntaxError(expected: "',' or ']'")
                }
            }
        }
        let shapeProblem: String?
        switch form {
        case .object: shapeProblem = "expected a JSON object like the first record, found an array"
        case .array:
            shapeProblem =
                values.count == columns.count
                ? nil : "expected \(counted(columns.count, "number")), found \(values.count)"
        case nil: shapeProblem = values.isEmpty ? "the record is empty" : nil
        }
        return shapeProblem ?? valueProblem
    }

    /// `firstKeys` receives the keys in order while no columns are known yet.
    /// Fills the empty `values` with the object's values in column order; returns the record's problem, if any.
    private mutating func parseObject(
        _ cursor: inout JSONCursor, numbers: NumberParser, firstKeys: inout [String], into values: inout [Double]
    ) throws(JSONFailure) -> String? {
        cursor.index += 1
        cursor.skipWhitespace()
        let known = form == .object
        if known { for _ in 0..<columns.count { values.append(.nan) } }
        if known { for index in seen.indices { seen[index] = false } }
        var firstKeyIndex: [String: Int] = [:]
        var duplicate: String?
        var seenCount = 0
        var unexpected: [String] = []
        var valueProblem: String?
        if cursor.peek == UInt8(ascii: "}") {
            cursor.index += 1
        } else {
            var ordinal = 0
            while true {
                guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.syntaxError(expected: "a string key") }
                try cursor.scanString(into: &key, keep: true)
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: ":") else { throw cursor.syntaxError(expected: "':'") }
                cursor.index += 1
                cursor.skipWhitespace()
                var slot: Int?
                switch form {
                case .object:
                    slot = columnIndex(ofKeyAt: ordinal)
                    if let found = slot {
                        if seen[found] {
                            if duplicate == nil { duplicate = columns[found] }
                            slot = nil
                        } else {
                            seen[found] = true
                            seenCount += 1
                        }
                    } else {
                        unexpected.append(String(decoding: key, as: UTF8.self))
                    }
                case nil:
                    let name = String(decoding: key, as: UTF8.self)
                    if firstKeyIndex[name] != nil {
                        if duplicate == nil { duplicate = name }
                    } else {
                        firstKeyIndex[name] = firstKeys.count
                        slot = firstKeys.count
                        firstKeys.append(name)
                        values.append(0)
                    }
                case .array:
                    break
                }
                let role = role(at: slot) { String(decoding: key, as: UTF8.self) }
                switch try scanValue(&cursor, role: role, numbers: numbers) {
                case .number(let number):
                    if let slot { values[slot] = number }
                case .unparsed:
                    if let slot { values[slot] = .nan }
                case .timestamp(let seconds):
                    timestamp = seconds
                    if let slot { values[slot] = .nan }
                case let other:
                    if valueProblem == nil {
                        valueProblem = describe(other, label: "field \"\(String(decoding: key, as: UTF8.self))\"")
                    }
                }
                ordinal += 1
                cursor.skipWhitespace()
                if cursor.peek == UInt8(ascii: ",") {
                    cursor.index += 1
                    cursor.skipWhitespace()
                } else if cursor.peek == UInt8(ascii: "}") {
                    cursor.index += 1
                    break
                } else {
                    throw cursor.syntaxError(expected: "',' or '}'")
                }
            }
        }
        var shapeProblem: String?
        switch form {
        case .array:
            shapeProblem = "expected a JSON array like the first record, found an object"
        case .object:
            if let duplicate {
                shapeProblem = "duplicate field \"\(duplicate)\""
            } else if !unexpected.isEmpty {
                let names = unexpected.map { "\"\($0)\"" }.joined(separator: ", ")
                shapeProblem =
                    "unexpected field\(unexpected.count == 1 ? "" : "s") \(names); the columns are \(columnList(columns))"
            } else if seenCount < columns.count {  // not `seen.contains`: it allocates per element in debug builds
                let missing = columns.indices.filter { !seen[$0] }.map { "\"\(columns[$0])\"" }
                shapeProblem = "missing field\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))"
            }
        case nil:
            if let duplicate {
                shapeProblem = "duplicate field \"\(duplicate)\""
            } else if firstKeys.isEmpty {
                shapeProblem = "the record is empty"
            }
        }
        return shapeProblem ?? valueProblem
    }

    private func columnIndex(ofKeyAt ordinal: Int) -> Int? {
        if ordinal < columnKeys.count && columnKeys[ordinal] == key { return ordinal }
        return indexOfColumn[String(decoding: key, as: UTF8.self)]
    }

    private mutating func scanValue(
        _ cursor: inout JSONCursor, role: ColumnRole, numbers: NumberParser
    ) throws(JSONFailure) -> Value {
        switch role {
        case .number:
            let value = try scanNumber(&cursor, numbers: numbers)
            if case .number(let number) = value, let refused = options.magnitudeProblem(number) { return .refused(refused) }
            return value
        case .unparsed:
            _ = try cursor.skipValue(depth: 1)
            return .unparsed
        case .timestamp:
            return try scanTimestamp(&cursor, numbers: numbers)
        }
    }

    /// A string in a timestamp format, or a number of epoch seconds.
    private mutating func scanTimestamp(_ cursor: inout JSONCursor, numbers: NumberParser) throws(JSONFailure) -> Value {
        if cursor.peek == UInt8(ascii: "\"") {
            try cursor.scanString(into: &text, keep: true)
            let seconds = text.withUnsafeBufferPointer { TimestampParser.parse($0, numbers: numbers) }
            if let seconds { return .timestamp(seconds) }
            return .notTimestamp(text.withUnsafeBufferPointer { quotedForMessage($0) })
        }
        switch try scanNumber(&cursor, numbers: numbers) {
        case .number(let seconds): return .timestamp(seconds)
        case .other(let found): return .notTimestamp(found)
        case let problem: return problem
        }
    }

    private func scanNumber(_ cursor: inout JSONCursor, numbers: NumberParser) throws(JSONFailure) -> Value {
        // NaN and Infinity are not JSON, but Python's json module writes them; name the real problem.
        if let word = cursor.consumeNonFiniteLiteral() { return .notFinite(word) }
        switch cursor.peek ?? 0 {  // 0 never starts a value, so the end of the line lands in default
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let token = try cursor.scanNumber()
            if let value = numbers.convert(token) { return .number(value) }
            return .outOfRange(String(decoding: token, as: UTF8.self))
        default:
            return .other(try cursor.skipValue(depth: 1))
        }
    }

    private func describe(_ value: Value, label: String) -> String {
        switch value {
        case .number, .timestamp, .unparsed: preconditionFailure("a value read as intended is never a problem")
        case .notTimestamp(let found): return "\(label): \(found) \(TimestampParser.expectation)"
        case .notFinite(let token): return "\(label): \(token) is not a finite number"
        case .outOfRange(let token): return "\(label): \(token) is out of range for a Double"
        case .refused(let problem): return "\(label) \(problem)"
        case .other(let found): return "\(label): expected a number, found \(found)"
        }
    }
}
