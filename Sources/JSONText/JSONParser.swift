/// A strict RFC 8259 JSON parser for small, rare payloads (control requests, the agent's
/// configuration and status), the one JSON reader that other targets build on. Rejects duplicate keys, lone surrogates, unescaped control
/// characters and nesting deeper than a limit (so hostile input cannot exhaust the stack).
/// The input must already be valid UTF-8. Allocates freely; call from any thread.
public struct JSONParser {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// The single JSON value `bytes` holds, surrounded by optional whitespace.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        // Tolerate a UTF-8 byte-order mark: some Windows editors write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw parser.failure("unexpected \(parser.describeNext()) after the JSON value; send one value only")
        }
        return value
    }

    private var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, message: message)
    }

    private func describeNext() -> String {
        guard let byte = next else { return "end of text" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return byte < 0x20 ? "control character 0x\(String(byte, radix: 16))" : "non-ASCII character"
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = next else { throw failure("the JSON ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default:
            throw failure("unexpected \(describeNext()); expected a value (strings need double quotes)")
        }
    }

    private mutating func enter(_ depth: Int) throws(JSONSyntaxError) {
        guard depth <= maximumDepth else {
            throw failure("arrays and objects are nested deeper than \(maximumDepth) levels")
        }
        index += 1
        skipWhitespace()
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        try enter(depth)
        var members: [JSONMember] = []
        var keys: Set<String> = []
        if next == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard next == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describeNext()); expected a field name in double quotes")
            }
            let keyOffset = index
            let key = try string()
            guard keys.insert(key).inserted else {
                throw JSONSyntaxError(
                    offset: keyOffset, message: "field \(MessageText.quoted(key)) appears twice; give each field once",
                    duplicateKey: key)
            }
            skipWhitespace()
            guard next == UInt8(ascii: ":") else {
                throw failure("unexpected \(describeNext()); expected ':' after field \(MessageText.quoted(key))")
            }
            index += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value(depth: depth)))
            skipWhitespace()
            switch next {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default:
                throw failure(
                    "unexpected \(describeNext()); expected ',' or '}' after the value of \(MessageText.quoted(key))")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        try enter(depth)
        var elements: [JSONValue] = []
        if next == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            switch next {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw failure("unexpected \(describeNext()); expected ',' or ']' in an array")
            }
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let expected = word.utf8
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected)
        else {
            throw failure("unexpected \(describeNext()); expected \(word) (strings need double quotes)")
        }
        index += expected.count
    }

    private func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func digits(after what: String) throws(JSONSyntaxError) {
        guard isDigit(next) else { throw failure("a number needs digits after \(what)") }
        while isDigit(next) { index += 1 }
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        if next == UInt8(ascii: "-") { index += 1 }
        if next == UInt8(ascii: "0") {
            index += 1  // JSON forbids leading zeros: "01" ends the number after "0".
        } else {
            try digits(after: "'-'")
        }
        if next == UInt8(ascii: ".") {
            index += 1
            try digits(after: "'.'")
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            index += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { index += 1 }
            try digits(after: "the exponent 'e'")
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1  // the opening quote
        var utf8: [UInt8] = []
        while let byte = next {
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &utf8)
            case 0..<0x20:
                throw failure("control character 0x\(String(byte, radix: 16)) inside a string; escape it (e.g. \\n)")
            default:
                utf8.append(byte)
                index += 1
            }
        }
        throw failure("a string is not closed; add the closing double quote")
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        guard let byte = next else { throw failure("the JSON ends inside an escape sequence") }
        index += 1
        let simple: UInt8? =
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            utf8.append(simple)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            index -= 1
            throw failure("unknown escape \\\(describeNext()); use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX")
        }
        var code = try hexQuad()
        if (0xD800...0xDBFF).contains(code) {
            // A high surrogate must be followed by an escaped low surrogate; together they are one scalar.
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw failure("\\u\(String(code, radix: 16)) is half of a surrogate pair; add the low half") }
            index += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure("\\u\(String(low, radix: 16)) is not the low half of a surrogate pair")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else {
            throw failure("\\u\(String(code, radix: 16)) is a lone surrogate; escape the full pair")
        }
        utf8.append(contentsOf: String(Character(scalar)).utf8)
    }

    private mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("\\u needs four hex digits") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits")
            }
            code = code << 4 | UInt32(digit)
            index += 1
        }
        return code
    }
}
