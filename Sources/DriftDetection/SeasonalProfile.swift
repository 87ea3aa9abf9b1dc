/// The slow reference next to the forecaster: what each channel usually reads at this time of day
/// and week, or, without timestamps, its long-run level.
///
/// With a time, the expectation is day[cell] + week[weekday]: `dayCells` cells per day, read and
/// updated with linear interpolation between the two nearest cells (so a profile with sharp edges
/// stays sharp without being jagged), plus an offset per weekday; both learn from the error by
/// the least-mean-squares rule (rates `dayRate` and `weekRate`). It adapts to a change only over
/// many days, which is what keeps an abnormal state visible while it lasts. Without a time, it is
/// an exponential average with memory `levelMemory` samples. Allocates only in `init`.
public struct SeasonalProfile: Sendable {
    public let channelCount: Int
    public let dayCells: Int
    public let dayRate: Double
    public let weekRate: Double
    public let levelMemory: Int
    private var day: [Double]
    private var week: [Double]
    private var level: [Double]
    private var levelCount = 0
    private var cell = 0
    private var nextWeight = 0.0
    private var weekday = 0
    private var timed = false

    public init(channelCount: Int, dayCells: Int = 48, dayRate: Double = 0.1, weekRate: Double = 0.002, levelMemory: Int = 1000) {
        precondition(channelCount > 0 && dayCells > 1 && dayRate > 0 && weekRate >= 0 && levelMemory > 1)
        self.channelCount = channelCount
        self.dayCells = dayCells
        self.dayRate = dayRate
        self.weekRate = weekRate
        self.levelMemory = levelMemory
        day = [Double](repeating: 0, count: channelCount * dayCells)
        week = [Double](repeating: 0, count: channelCount * 7)
        level = [Double](repeating: 0, count: channelCount)
    }

    /// Sets the time of the next record (seconds since 1970 in local wall-clock time; nil or
    /// non-finite: none, so the long-run level is used).
    public mutating func setTime(_ seconds: Double?) {
        guard let seconds, seconds.isFinite else {
            timed = false
            return
        }
        timed = true
        let days = seconds / 86_400
        let whole = days.rounded(.down)
        let position = (days - whole) * Double(dayCells)
        let lower = min(Int(position), dayCells - 1)
        cell = lower
        nextWeight = position - Double(lower)
        // 1970-01-01 was a Thursday; 0 is Monday.
        let index = (Int(whole) + 3) % 7
        weekday = index < 0 ? index + 7 : index
    }

    /// Channel `c`'s expectation at the time set last.
    public func expected(_ c: Int) -> Double {
        guard timed else { return level[c] }
        let next = (cell + 1) % dayCells
        let base = c * dayCells
        return (1 - nextWeight) * day[base + cell] + nextWeight * day[base + next] + week[c * 7 + weekday]
    }

    /// Learns channel `c`'s value at the time set last.
    public mutating func learn(_ value: Double, channel c: Int) {
        guard value.isFinite else { return }
        let error = value - expected(c)
        guard timed else {
            if c == 0 { levelCount += 1 }
            level[c] += max(1 / Double(levelCount), 1 / Double(levelMemory)) * error
            return
        }
        let next = (cell + 1) % dayCells
        let base = c * dayCells
        day[base + cell] += dayRate * (1 - nextWeight) * error
        day[base + next] += dayRate * nextWeight * error
        week[c * 7 + weekday] += weekRate * error
    }
}
