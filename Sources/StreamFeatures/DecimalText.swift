/// Decimal number recognition shared by the JSON and CSV readers.
enum DecimalText {
    /// The end of the JSON number starting at `start` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`),
    /// or nil if the bytes there are not one. `lenient` (CSV) also allows a leading `+` and leading zeros.
    static func numberEnd(in bytes: UnsafeRawBufferPointer, from start: Int, lenient: Bool = false) -> Int? {
        var i = start
        let end = bytes.count
        func digit(_ at: Int) -> Bool { at < end && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9") }
        if i < end && (bytes[i] == UInt8(ascii: "-") || (lenient && bytes[i] == UInt8(ascii: "+"))) { i += 1 }
        guard digit(i) else { return nil }
        if bytes[i] == UInt8(ascii: "0") && !lenient {
            i += 1
        } else {
            while digit(i) { i += 1 }
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        return i
    }

    /// The value of a recognised number as Double (±infinity when it overflows Double).
    static func double(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        // The grammar was checked above, so Double(_:) only fails on overflow in some runtimes.
        return Double(text) ?? (text.hasPrefix("-") ? -.infinity : .infinity)
    }

    /// The Float nearest to `value`, or nil if it lies beyond the Float range (tiny values round to 0).
    static func float(_ value: Double) -> Float? {
        let narrowed = Float(value)
        return narrowed.isFinite ? narrowed : nil
    }

    /// Whether the text spells NaN or an infinity as C, Python or JavaScript would print it.
    static func spellsNonFinite(_ text: some StringProtocol) -> Bool {
        var word = text.lowercased()
        if word.hasPrefix("-") || word.hasPrefix("+") { word.removeFirst() }
        return word == "nan" || word == "inf" || word == "infinity"
    }
}
