/// The timestamp grammar of the readers' time columns, for other modules that read times from text
/// (such as the time field of an MQTT sensor payload), so that a time means the same everywhere.
public enum TimestampText {
    /// Completes "… "text" …" in a message about a value that is not a timestamp.
    public static var expectation: String { TimestampParser.expectation }

    /// The epoch seconds `text` spells (seconds since 1970-01-01 UTC, or an ISO-8601-like date and
    /// time such as `2014-04-01 00:00:00`; UTC without a zone), or nil when it is not a timestamp.
    /// Allocates a little (a number parser per call); not for a per-value hot loop.
    public static func seconds(_ text: String) -> Double? {
        var text = text
        let numbers = NumberParser()
        return text.withUTF8 { TimestampParser.parse($0, numbers: numbers) }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (negative before it).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        TimestampParser.daysFromCivil(year: year, month: month, day: day)
    }
}
