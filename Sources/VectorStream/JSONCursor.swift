/// A position in one line of JSON text, with the strict scanning primitives.
struct JSONCursor {
    // Deep enough for any sensible value; bounds the recursion that skips values we reject anyway.
    static let maxDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Consumes `word` if the text continues with it.
    mutating func consume(_ word: String) -> Bool {
        var position = index
        for byte in word.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
        }
        index = position
        return true
    }

    /// Consumes NaN, Infinity or -Infinity and returns it, if the text continues with one of them.
    mutating func consumeNonFiniteLiteral() -> String? {
        guard let byte = peek,
            byte == UInt8(ascii: "N") || byte == UInt8(ascii: "I")
                || (byte == UInt8(ascii: "-") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"))
        else { return nil }
        for word in ["NaN", "Infinity", "-Infinity"] where consume(word) { return word }
        return nil
    }

    func syntaxError(expected: String) -> JSONFailure {
        let found: String
        if index >= bytes.count {
            found = "the end of the line"
        } else if bytes[index] > 0x20 && bytes[index] < 0x7F {
            found = "'\(Character(Unicode.Scalar(bytes[index])))'"
        } else {
            let hex = String(bytes[index], radix: 16, uppercase: true)
            found = "byte 0x\(hex.count == 1 ? "0" : "")\(hex)"
        }
        return JSONFailure(message: "not valid JSON: expected \(expected) at column \(index + 1), found \(found)")
    }

    /// The bytes of a number in strict JSON grammar (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?).
    mutating func scanNumber() throws(JSONFailure) -> UnsafeBufferPointer<UInt8> {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits()
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if let byte = peek, byte | 0x20 == UInt8(ascii: "e") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<index])
    }

    private mutating func digits() throws(JSONFailure) {
        guard let byte = peek, NumberParser.isDigit(byte) else { throw syntaxError(expected: "a digit") }
        while let byte = peek, NumberParser.isDigit(byte) { index += 1 }
    }

    /// Scans the string starting at the opening quote, validating escapes and UTF-8; with `keep`, `output`
    /// receives its decoded UTF-8 bytes.
    mutating func scanString(into output: inout [UInt8], keep: Bool) throws(JSONFailure) {
        index += 1
        if keep { output.removeAll(keepingCapacity: true) }
        while true {
            guard let byte = peek else { throw syntaxError(expected: "'\"' to close the string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                let scalar = try escapedScalar()
                if keep { UTF8.encode(scalar) { output.append($0) } }
            case 0..<0x20:
                throw syntaxError(expected: "'\"' or a character other than a control character")
            case 0x20..<0x80:
                if keep { output.append(byte) }
                index += 1
            default:
                guard let length = utf8SequenceLength() else {
                    throw JSONFailure(message: "not valid JSON: invalid UTF-8 in a string at column \(index + 1)")
                }
                if keep { output.append(contentsOf: bytes[index..<index + length]) }
                index += length
            }
        }
    }

    private mutating func escapedScalar() throws(JSONFailure) -> Unicode.Scalar {
        guard let byte = peek else { throw syntaxError(expected: "an escape sequence") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            if unit & 0xFC00 == 0xD800 {
                guard consume("\\u") else { throw syntaxError(expected: "a low surrogate escape") }
                let low = try hexQuad()
                guard low & 0xFC00 == 0xDC00 else {
                    index -= 4
                    throw syntaxError(expected: "a low surrogate escape")
                }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else {
                index -= 4
                throw syntaxError(expected: "a high surrogate before a low one")
            }
            return scalar
        default:
            index -= 1
            throw syntaxError(expected: "an escape character")
        }
    }

    private mutating func hexQuad() throws(JSONFailure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = hexDigitValue(byte) else { throw syntaxError(expected: "a hex digit") }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// The length of the well-formed UTF-8 sequence at `index` (a non-ASCII lead byte), or nil.
    private func utf8SequenceLength() -> Int? {
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch bytes[index] {
        case 0xC2...0xDF: return continuation(1) ? 2 : nil
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : nil
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default: return nil
        }
    }

    /// Skips any JSON value and says what it was ("a string", "an object", …).
    mutating func skipValue(depth: Int) throws(JSONFailure) -> String {
        var ignored: [UInt8] = []
        switch peek ?? 0 {
        case UInt8(ascii: "\""):
            try scanString(into: &ignored, keep: false)
            return "a string"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
            return "a number"
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = peek == UInt8(ascii: "{")
            guard depth < Self.maxDepth else {
                throw JSONFailure(message: "values nested more than \(Self.maxDepth) levels deep at column \(index + 1)")
            }
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if peek == close {
                index += 1
            } else {
                while true {
                    if isObject {
                        guard peek == UInt8(ascii: "\"") else { throw syntaxError(expected: "a string key") }
                        try scanString(into: &ignored, keep: false)
                        skipWhitespace()
                        guard peek == UInt8(ascii: ":") else { throw syntaxError(expected: "':'") }
                        index += 1
                        skipWhitespace()
                    }
                    _ = try skipValue(depth: depth + 1)
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace()
                    } else if peek == close {
                        index += 1
                        break
                    } else {
                        throw syntaxError(expected: isObject ? "',' or '}'" : "',' or ']'")
                    }
                }
            }
            return isObject ? "an object" : "an array"
        default:
            for word in ["true", "false", "null"] where consume(word) { return word }
            throw syntaxError(expected: "a value")
        }
    }
}
