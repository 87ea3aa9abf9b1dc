import FoundationEssentials
import VectorStream

/// Calendar timestamps as UTC seconds since 1970, without Foundation's locale-dependent formatters.
public enum Timestamp {
    /// Seconds for "2014-04-01 00:00:00", "2014-10-30 15:30:00.000000" or "2014-04-01T00:00:00Z"
    /// (the grammar of `hamlet learn`'s timestamp column, `TimestampText`); nil for anything else.
    public static func seconds(_ text: Substring) -> Double? {
        TimestampText.seconds(text.trimmingBlanks)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        TimestampText.daysSinceEpoch(year: year, month: month, day: day)
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
