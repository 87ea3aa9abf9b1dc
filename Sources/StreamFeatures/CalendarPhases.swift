import Glibc

/// Time of day and day of week as points on two circles, so that 23:59 lies next to 00:00 and
/// Sunday next to Monday: [sin, cos] of the day's phase, then of the week's (weeks start on Monday).
///
/// The timestamp is read as local wall-clock time written as seconds since 1970-01-01 00:00, which
/// is how a timestamp without a zone (as in most sensor logs) parses; a zone's offset moves the
/// phase and nothing else. Allocates nothing.
public enum CalendarPhases {
    /// The number of values `write` produces.
    public static let count = 4

    /// Writes the four phase values of `seconds` at `destination`.
    public static func write(seconds: Double, to destination: UnsafeMutablePointer<Double>) {
        guard seconds.isFinite else {
            for k in 0..<count { destination[k] = 0 }
            return
        }
        let days = seconds / 86_400
        let dayPhase = 2 * Double.pi * (days - days.rounded(.down))
        // 1970-01-01 was a Thursday: three days after a Monday.
        let weeks = (days + 3) / 7
        let weekPhase = 2 * Double.pi * (weeks - weeks.rounded(.down))
        destination[0] = sin(dayPhase)
        destination[1] = cos(dayPhase)
        destination[2] = sin(weekPhase)
        destination[3] = cos(weekPhase)
    }
}
