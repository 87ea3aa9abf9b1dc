import Foundation

/// Calendar timestamps as UTC seconds since 1970, without Foundation's locale-dependent formatters.
public enum Timestamp {
    /// Seconds for "2014-04-01 00:00:00", "2014-10-30 15:30:00.000000" or "2014-04-01T00:00:00Z";
    /// nil for anything else. Time zones other than Z are not handled: NAB's files have none.
    public static func seconds(_ text: Substring) -> Double? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[start..<(start + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard scalars.count >= 10, scalars[4] == 45, scalars[7] == 45,
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day) * 86_400)
        guard scalars.count > 10 else { return seconds }
        guard scalars[10] == 32 || scalars[10] == 84, let hour = digits(11, 2), scalars.count >= 16, scalars[13] == 58,
            let minute = digits(14, 2), hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        var index = 16
        if index < scalars.count, scalars[index] == 58 {
            guard let second = digits(17, 2) else { return nil }
            seconds += Double(second)
            index = 19
        }
        if index < scalars.count, scalars[index] == 46 {
            index += 1
            var scale = 0.1
            while index < scalars.count, let digit = digits(index, 1) {
                seconds += Double(digit) * scale
                scale /= 10
                index += 1
            }
        }
        if index < scalars.count, scalars[index] == 90 { index += 1 }
        return index == scalars.count ? seconds : nil
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The (year, month, day) of a day count since 1970-01-01; the inverse of `daysFromCivil`.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// "2014-10-30" for a date tick, "2014-10-30 15:30" when the time of day matters.
    public static func text(_ seconds: Double, withTime: Bool) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let (year, month, day) = civil(fromDays: days)
        let date = "\(year)-\(twoDigits(month))-\(twoDigits(day))"
        guard withTime else { return date }
        let secondOfDay = whole - days * 86_400
        return date + " \(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay % 3600 / 60))"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
