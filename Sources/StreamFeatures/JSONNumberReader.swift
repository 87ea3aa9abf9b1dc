import VectorStream

/// A strict JSON reader that accepts only a number, an array of numbers, or an object of numbers.
///
/// Written by hand rather than with JSONSerialization so that booleans, NaN tokens and nesting are
/// told apart exactly and every rejection names its field. Stops at the first problem.
struct JSONNumberReader {
    /// A time field as written: a number in the parser's unit, or a date already in epoch seconds.
    enum Time: Equatable {
        case number(Double)
        case date(Double)
    }

    let bytes: UnsafeRawBufferPointer
    let topic: String
    let maximumValues: Int
    let timestampField: String?
    let timeField: String?
    private var at = 0

    init(bytes: UnsafeRawBufferPointer, topic: String, maximumValues: Int, timestampField: String?, timeField: String? = nil) {
        (self.bytes, self.topic, self.maximumValues) = (bytes, topic, maximumValues)
        (self.timestampField, self.timeField) = (timestampField, timeField)
    }

    /// The values, the field names (empty unless an object), the raw timestamp number and the time.
    mutating func read() throws(SensorPayloadError) -> (values: [Float], names: [String], timestamp: Double?, time: Time?) {
        skipWhitespace()
        var values: [Float] = []
        var names: [String] = []
        var timestamp: Double?
        var time: Time?
        guard at < bytes.count else { throw invalid("no value; expected a number, an array or an object") }
        switch bytes[at] {
        case UInt8(ascii: "["):
            at += 1
            skipWhitespace()
            if peek(UInt8(ascii: "]")) {
                at += 1
            } else {
                while true {
                    guard values.count < maximumValues else {
                        throw .tooManyValues(topic: topic, limit: maximumValues)
                    }
                    values.append(try number(at: .element(values.count)))
                    skipWhitespace()
                    if try separator(closing: UInt8(ascii: "]")) { break }
                }
            }
        case UInt8(ascii: "{"):
            at += 1
            skipWhitespace()
            // The timestamp and time fields met so far (they may be one field, or two).
            var keyFieldsSeen: [String] = []
            if peek(UInt8(ascii: "}")) {
                at += 1
            } else {
                while true {
                    guard peek(UInt8(ascii: "\"")) else { throw invalid("expected a field name in double quotes") }
                    let name = try string()
                    skipWhitespace()
                    guard peek(UInt8(ascii: ":")) else { throw invalid("expected ':' after field name") }
                    at += 1
                    skipWhitespace()
                    if name == timestampField || name == timeField {
                        guard !keyFieldsSeen.contains(name) else { throw .duplicateField(topic: topic, name: name) }
                        keyFieldsSeen.append(name)
                        if name == timestampField {
                            timestamp = try timestampValue(field: name)
                            if name == timeField { time = .number(timestamp!) }
                        } else {
                            time = try timeValue(field: name)
                        }
                    } else {
                        guard !names.contains(name) else { throw .duplicateField(topic: topic, name: name) }
                        guard values.count < maximumValues else {
                            throw .tooManyValues(topic: topic, limit: maximumValues)
                        }
                        values.append(try number(at: .field(name)))
                        names.append(name)
                    }
                    skipWhitespace()
                    if try separator(closing: UInt8(ascii: "}")) { break }
                    skipWhitespace()
                }
            }
        default:
            values.append(try number(at: .payload))
        }
        skipWhitespace()
        guard at == bytes.count else { throw invalid("unexpected \(character(at)) after the value") }
        return (values, names, timestamp, time)
    }

    /// Consumes ',' (false: more follows) or the closing bracket (true: done).
    private mutating func separator(closing: UInt8) throws(SensorPayloadError) -> Bool {
        if peek(UInt8(ascii: ",")) {
            at += 1
            skipWhitespace()
            return false
        }
        if peek(closing) {
            at += 1
            return true
        }
        throw invalid("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
    }

    private mutating func number(at location: SensorValueLocation) throws(SensorPayloadError) -> Float {
        let value = try anyNumber(at: location)
        guard let float = DecimalText.float(value.double) else {
            throw .outOfRange(topic: topic, location: location, text: value.text)
        }
        return float
    }

    private mutating func timestampValue(field: String) throws(SensorPayloadError) -> Double {
        let value: Double
        do {
            value = try anyNumber(at: .field(field)).double
        } catch {
            switch error {
            case .wrongType(_, _, let found): throw .invalidTimestamp(topic: topic, field: field, found: found)
            case .nonFinite(_, _, let text): throw .invalidTimestamp(topic: topic, field: field, found: quoted(text))
            default: throw error
            }
        }
        guard value.isFinite else { throw .invalidTimestamp(topic: topic, field: field, found: "beyond the Double range") }
        return value
    }

    /// A time field: a number (epoch seconds in the parser's unit) or a string holding a date and
    /// time, read with the same grammar as a file's time column.
    private mutating func timeValue(field: String) throws(SensorPayloadError) -> Time {
        guard peek(UInt8(ascii: "\"")) else {
            do {
                return .number(try timestampValue(field: field))
            } catch {
                guard case .invalidTimestamp(_, _, let found) = error else { throw error }
                throw .invalidTime(topic: topic, field: field, found: found)
            }
        }
        let text = try string()
        guard let seconds = TimestampText.seconds(text) else { throw .invalidTime(topic: topic, field: field, found: quoted(text)) }
        return .date(seconds)
    }

    /// Reads a number token, or throws naming what stands there instead.
    private mutating func anyNumber(
        at location: SensorValueLocation
    ) throws(SensorPayloadError) -> (double: Double, text: String) {
        guard at < bytes.count else { throw invalid("the payload ends where a value should be") }
        let start = at
        switch bytes[at] {
        case UInt8(ascii: "\""):
            let text = try string()
            throw .wrongType(topic: topic, location: location, found: "a string (\(quoted(text)))")
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let word = self.word()
            switch word {
            case "true", "false": throw .wrongType(topic: topic, location: location, found: "a boolean (\(word))")
            case "null": throw .wrongType(topic: topic, location: location, found: "null")
            default: throw invalid(at: start, "unknown word \(quoted(word))")
            }
        case UInt8(ascii: "{"):
            throw .wrongType(topic: topic, location: location, found: "a nested object")
        case UInt8(ascii: "["):
            throw .wrongType(topic: topic, location: location, found: "a nested array")
        default:
            if let end = DecimalText.numberEnd(in: bytes, from: at) {
                at = end
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                return (DecimalText.double(bytes, start..<end), text)
            }
            if bytes[at] == UInt8(ascii: "-") { at += 1 }
            let word = self.word()
            if DecimalText.spellsNonFinite(word) {
                throw .nonFinite(topic: topic, location: location, text: (bytes[start] == UInt8(ascii: "-") ? "-" : "") + word)
            }
            throw invalid(at: start, "\(character(start)) cannot start a value; expected a number")
        }
    }

    /// Reads a quoted string with JSON escapes; `at` is on the opening quote.
    private mutating func string() throws(SensorPayloadError) -> String {
        let start = at
        at += 1
        var scalars = String.UnicodeScalarView()
        var runStart = at
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self).unicodeScalars)
        }
        while true {
            guard at < bytes.count else { throw invalid(at: start, "unterminated string") }
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                flush(at)
                at += 1
                return String(scalars)
            }
            if byte < 0x20 { throw invalid("control character in a string; escape it") }
            if byte != UInt8(ascii: "\\") {
                at += 1
                continue
            }
            flush(at)
            at += 1
            guard at < bytes.count else { throw invalid(at: start, "unterminated string") }
            let escape = bytes[at]
            at += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{c}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u")
                    else { throw invalid("unpaired surrogate in \\u escape") }
                    at += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw invalid("unpaired surrogate in \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw invalid("unpaired surrogate in \\u escape") }
                scalars.append(scalar)
            default:
                throw invalid(at: at - 1, "unknown escape \\\(character(at - 1))")
            }
            runStart = at
        }
    }

    private mutating func hex4() throws(SensorPayloadError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw invalid("\\u needs four hex digits") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[at])).hexDigitValue else {
                throw invalid("\\u needs four hex digits")
            }
            code = code << 4 | UInt32(digit)
            at += 1
        }
        return code
    }

    /// Consumes a run of ASCII letters (for true/false/null/NaN/Infinity diagnostics).
    private mutating func word() -> String {
        let start = at
        while at < bytes.count, (bytes[at] | 0x20) >= UInt8(ascii: "a"), (bytes[at] | 0x20) <= UInt8(ascii: "z") { at += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
    }

    private func peek(_ byte: UInt8) -> Bool { at < bytes.count && bytes[at] == byte }

    private mutating func skipWhitespace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0A || bytes[at] == 0x0D {
            at += 1
        }
    }

    private func character(_ offset: Int) -> String {
        guard offset < bytes.count else { return "the end" }
        let byte = bytes[offset]
        return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func invalid(_ problem: String) -> SensorPayloadError { invalid(at: at, problem) }

    private func invalid(at offset: Int, _ problem: String) -> SensorPayloadError {
        .invalidJSON(topic: topic, byteOffset: offset, problem: problem)
    }
}
