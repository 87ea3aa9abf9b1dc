#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts decimal literals to Double with strtod, independent of the process locale.
final class NumberParser {
    enum Result {
        case value(Double)
        case notANumber
        case notFinite  // a spelling of NaN or infinity
        case outOfRange  // a valid literal whose magnitude overflows Double
    }

    // strtod honours LC_NUMERIC, which a host program may have set to a decimal-comma locale.
    private let cLocale: locale_t? = newlocale(1 << LC_NUMERIC, "C", nil)
    private var scratch: UnsafeMutablePointer<CChar>
    private var scratchCapacity = 64

    init() { scratch = .allocate(capacity: scratchCapacity) }

    deinit {
        scratch.deallocate()
        if let cLocale { freelocale(cLocale) }
    }

    /// Parses a CSV field: optional sign, digits with an optional point, optional exponent; no hex, NaN or inf.
    func parseLenient(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        guard Self.isDecimalLiteral(bytes) else {
            return Self.isNonFiniteSpelling(bytes) ? .notFinite : .notANumber
        }
        return convert(bytes).map(Result.value) ?? .outOfRange
    }

    /// Converts bytes already known to be a decimal literal; nil when the value overflows to infinity.
    func convert(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        // The line buffer has no NUL after the field (and strtod would read past it), so copy it out.
        if bytes.count >= scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(bytes.count + 1, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        for index in 0..<bytes.count { scratch[index] = CChar(bitPattern: bytes[index]) }
        scratch[bytes.count] = 0
        let saved = cLocale.map { uselocale($0) }
        let value = strtod(scratch, nil)
        if let saved { uselocale(saved) }
        return value.isFinite ? value : nil
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    private static func isDecimalLiteral(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
        var digits = 0
        while i < n && isDigit(b[i]) { i += 1; digits += 1 }
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && isDigit(b[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            let exponentStart = i
            while i < n && isDigit(b[i]) { i += 1 }
            guard i > exponentStart else { return false }
        }
        return i == n
    }

    private static func isNonFiniteSpelling(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if b.count > 0 && (b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-")) { i = 1 }
        guard b.count - i <= 8 else { return false }
        var word = ""
        while i < b.count {
            guard b[i] < 0x80 else { return false }
            word.unicodeScalars.append(Unicode.Scalar(b[i] | 0x20))
            i += 1
        }
        return word == "nan" || word == "inf" || word == "infinity"
    }
}

/// Renders raw input bytes for an error message: quoted, shortened, with control and invalid UTF-8 bytes escaped.
func quotedForMessage(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 40) -> String {
    var cut = min(limit, bytes.count)
    while cut > 0 && cut < bytes.count && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // keep characters whole
    if cut == 0 { cut = min(limit, bytes.count) }
    let shown = UnsafeBufferPointer(rebasing: bytes[..<cut])
    var text = "\""
    if let valid = String(validating: shown, as: UTF8.self) {
        for scalar in valid.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: text += "\\u{\(String(scalar.value, radix: 16))}"
            default: text.unicodeScalars.append(scalar)
            }
        }
    } else {
        for byte in shown {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
    }
    text += cut < bytes.count ? "…\"" : "\""
    return text
}

/// "a, b, c" for a message, cut short for very wide inputs.
func columnList(_ names: [String], limit: Int = 12) -> String {
    guard names.count > limit else { return names.joined(separator: ", ") }
    return names.prefix(limit).joined(separator: ", ") + ", … (\(names.count) in all)"
}

/// "1 field" / "3 fields".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

@inline(__always) func isBlankByte(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D
}
