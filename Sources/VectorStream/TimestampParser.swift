/// Reads a timestamp field as seconds since the Unix epoch (UTC).
///
/// Accepts a plain number (already epoch seconds) or an ISO-8601-like date and time:
/// `2014-04-01`, `2014-04-01 00:00:00`, `2014-04-01T00:00`, `2014-04-01T00:00:00.25Z`,
/// `2014-04-01T02:00:00+02:00` (also `+0200` and `+02`). Without a zone the time is UTC.
/// Works on the field's bytes without allocating: DateFormatter would cost more than the rest of a record.
enum TimestampParser {
    /// Completes "column "t": "…" " in the message for a field that is not a timestamp.
    static let expectation =
        "is not a timestamp (expected seconds since 1970-01-01 UTC, or a date and time such as "
        + "2014-04-01 00:00:00, 2014-04-01T00:00:00.5Z or 2014-04-01T02:00:00+02:00)"

    /// The epoch seconds `bytes` spell, or nil when they are not a timestamp (or not a real date).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, numbers: NumberParser) -> Double? {
        if case .value(let seconds) = numbers.parseLenient(bytes) { return seconds }
        var scanner = Scanner(bytes: bytes)
        return scanner.dateTime()
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func dateTime() -> Double? {
            guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2),
                (1...12).contains(month), (1...TimestampParser.daysInMonth(month, year: year)).contains(day)
            else { return nil }
            var seconds = Double(TimestampParser.daysFromCivil(year: year, month: month, day: day)) * 86_400
            guard let separator = peek else { return seconds }
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
            else { return nil }
            index += 1
            guard let hour = digits(2), take(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            if take(":") {
                guard let second = digits(2), second < 60 else { return nil }
                guard let fraction = fraction() else { return nil }
                seconds += Double(second) + fraction
            }
            guard let offset = zoneOffset(), index == bytes.count else { return nil }
            return seconds - Double(offset)
        }

        /// `.25` or `,25` as 0.25 (ISO allows the comma), 0 when there is none; nil for a point without digits.
        private mutating func fraction() -> Double? {
            guard take(".") || take(",") else { return 0 }
            var value = 0.0
            var scale = 1.0
            let start = index
            while let byte = peek, NumberParser.isDigit(byte) {
                // Past nanoseconds the digits no longer change a Double of epoch seconds.
                if index - start < 9 {
                    value = value * 10 + Double(byte &- 0x30)
                    scale *= 10
                }
                index += 1
            }
            return index > start ? value / scale : nil
        }

        /// The zone's offset east of UTC in seconds: 0 for none or Z; nil when it is malformed.
        private mutating func zoneOffset() -> Int? {
            guard let byte = peek else { return 0 }
            if byte == UInt8(ascii: "Z") || byte == UInt8(ascii: "z") {
                index += 1
                return 0
            }
            guard byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { return nil }
            index += 1
            guard let hours = digits(2), hours < 24 else { return nil }
            var minutes = 0
            if peek != nil {
                _ = take(":")
                guard let value = digits(2), value < 60 else { return nil }
                minutes = value
            }
            let offset = hours * 3600 + minutes * 60
            return byte == UInt8(ascii: "-") ? -offset : offset
        }

        private mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                guard NumberParser.isDigit(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] &- 0x30)
                index += 1
            }
            return value
        }

        private mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard peek == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }
    }
}
