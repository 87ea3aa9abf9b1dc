/// The type of one YAML scalar, by YAML 1.1's rules as the configuration reader has always read
/// them (those of Yams's default resolver, which it used before): `yes`/`on`/`off` are booleans,
/// `0x1F`, `0o17` and `0b101` integers, `1e-3` and `.inf` numbers, `~` and an empty value null, and
/// quoted text always text. One difference, on purpose: sexagesimal numbers (`1:30`) are text, as
/// in YAML 1.2; a configuration has no use for base 60.
enum YAMLScalar {
    private enum Kind { case null, bool, integer, number, string }

    private static let core = "tag:yaml.org,2002:"

    /// `plain`: written without quotes or block style. `tag`: an explicit tag (`!!int` arrives as
    /// `tag:yaml.org,2002:int`), `!` (non-specific: text) or nil.
    static func resolve(_ text: String, plain: Bool, tag: String?, line: Int) -> SettingInput {
        let kind: Kind
        switch tag {
        case nil: kind = plain ? implicitKind(text) : .string
        case core + "null": kind = .null
        case core + "bool": kind = .bool
        case core + "int": kind = plain ? .integer : .string
        case core + "float": kind = plain ? .number : .string
        default: kind = .string
        }
        let value: SettingInput.Value
        switch kind {
        case .null: value = .null
        case .bool: value = boolean(text).map(SettingInput.Value.bool) ?? .string(text)
        // Too large for Int: still a number, so that the range check can say so.
        case .integer: value = integer(text).map(SettingInput.Value.integer) ?? number(text).map(SettingInput.Value.number) ?? .string(text)
        case .number: value = number(text).map(SettingInput.Value.number) ?? .string(text)
        case .string: value = .string(text)
        }
        return SettingInput(value, text: text, line: line)
    }

    private static func implicitKind(_ text: String) -> Kind {
        if booleans.contains(text) { return .bool }
        let bytes = Array(text.utf8)
        if isInteger(bytes) { return .integer }
        if isNumber(bytes) { return .number }
        if nulls.contains(text) { return .null }
        return .string
    }

    private static let booleans: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ]
    private static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// `0x`, `0b`, `0o` and a bare leading `0` (octal, YAML 1.1) as their radix; `_` ignored.
    static func integer(_ text: String) -> Int? {
        let digits = text.filter { $0 != "_" }
        if digits == "0" { return 0 }
        let negative = digits.hasPrefix("-")
        let unsigned = digits.dropFirst(negative || digits.hasPrefix("+") ? 1 : 0)
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where unsigned.hasPrefix(prefix) {
            return Int((negative ? "-" : "") + unsigned.dropFirst(prefix.count), radix: radix)
        }
        return Int(digits)
    }

    static func number(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(text.filter { $0 != "_" })
        }
    }

    // MARK: YAML 1.1's patterns, by hand (no regular expressions: they would need Foundation)

    private static func isDigit(_ byte: UInt8, radix: Int = 10) -> Bool {
        switch radix {
        case 2: byte == 0x30 || byte == 0x31
        case 8: byte >= 0x30 && byte <= 0x37
        case 16: (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
        default: byte >= 0x30 && byte <= 0x39
        }
    }

    /// `[-+]?` then one of `0b[01_]+`, `0o?[0-7_]+`, `0`, `[1-9][0-9_]*`, `0x[0-9a-fA-F_]+`.
    private static func isInteger(_ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        if let first = rest.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        func all(_ tail: ArraySlice<UInt8>, radix: Int) -> Bool {
            !tail.isEmpty && tail.allSatisfy { $0 == UInt8(ascii: "_") || isDigit($0, radix: radix) }
        }
        guard let first = rest.first else { return false }
        if first != UInt8(ascii: "0") {
            return isDigit(first) && rest.dropFirst().allSatisfy { $0 == UInt8(ascii: "_") || isDigit($0) }
        }
        let tail = rest.dropFirst()
        if tail.isEmpty { return true }
        switch tail.first! {
        case UInt8(ascii: "b"): return all(tail.dropFirst(), radix: 2)
        case UInt8(ascii: "x"): return all(tail.dropFirst(), radix: 16)
        case UInt8(ascii: "o"): return all(tail.dropFirst(), radix: 8)
        default: return all(tail, radix: 8)
        }
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`, `\.[0-9_]+([eE][-+][0-9]+)?`,
    /// `[-+]?\.(inf|Inf|INF)` or `\.(nan|NaN|NAN)`.
    private static func isNumber(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        if [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"].contains(text) {
            return true
        }
        var rest = bytes[...]
        let signed = rest.first == UInt8(ascii: "-") || rest.first == UInt8(ascii: "+")
        if signed { rest = rest.dropFirst() }
        func digits(_ allowUnderscore: Bool) -> Int {
            let count = rest.prefix { isDigit($0) || (allowUnderscore && $0 == UInt8(ascii: "_")) }.count
            rest = rest.dropFirst(count)
            return count
        }
        let leadsWithDot = rest.first == UInt8(ascii: ".")
        if leadsWithDot {
            // `.5`: no sign, at least one digit after the dot, an exponent only with a sign.
            guard !signed else { return false }
            rest = rest.dropFirst()
            guard let first = rest.first, isDigit(first) || first == UInt8(ascii: "_") else { return false }
            _ = digits(true)
        } else {
            guard let first = rest.first, isDigit(first) else { return false }
            _ = digits(true)
            if rest.first == UInt8(ascii: ".") {
                rest = rest.dropFirst()
                _ = digits(true)
            }
        }
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            let hasSign = rest.first == UInt8(ascii: "-") || rest.first == UInt8(ascii: "+")
            if hasSign { rest = rest.dropFirst() } else if leadsWithDot { return false }
            guard digits(false) > 0 else { return false }
        }
        return rest.isEmpty
    }
}
