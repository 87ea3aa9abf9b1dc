/// Ticks on calendar boundaries (hours, days, weeks, months) for a step axis whose records carry times.
enum TimeTicks {
    private static let hour = 3600.0, day = 86_400.0
    private static let fixedIntervals = [60.0, 300, 900, 1800, hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day]

    /// `timeline` pairs steps with times, in step order with non-decreasing times; each tick sits on the
    /// first record at or after its time.
    static func ticks(on timeline: [(step: Int, time: Double)], about count: Int) -> [AxisTick] {
        guard let first = timeline.first?.time, let last = timeline.last?.time, last > first else { return [] }
        let rough = (last - first) / Double(max(1, count))
        let times: [Double]
        let withTime: Bool
        if let interval = fixedIntervals.first(where: { $0 >= rough }) {
            // Weeks and fortnights start on a Monday (1970-01-05), days at midnight UTC.
            let origin = interval >= 7 * day ? 4 * day : 0
            var time = ((first - origin) / interval).rounded(.up) * interval + origin
            var values: [Double] = []
            while time <= last {
                values.append(time)
                time += interval
            }
            times = values
            withTime = interval < day
        } else {
            times = monthStarts(from: first, to: last, every: [1, 2, 3, 6, 12].first { Double($0) * 30 * day >= rough } ?? 12)
            withTime = false
        }
        return times.compactMap { time in
            step(at: time, on: timeline).map { AxisTick(value: Double($0), label: Timestamp.text(time, withTime: withTime)) }
        }
    }

    private static func monthStarts(from first: Double, to last: Double, every months: Int) -> [Double] {
        var (year, month, _) = Timestamp.civil(fromDays: Int((first / day).rounded(.down)))
        var values: [Double] = []
        while true {
            let time = Double(Timestamp.daysFromCivil(year: year, month: month, day: 1)) * day
            if time > last { return values }
            if time >= first, (month - 1) % months == 0 { values.append(time) }
            month += 1
            if month > 12 { (year, month) = (year + 1, 1) }
        }
    }

    /// Binary search for the first record at or after `time`.
    private static func step(at time: Double, on timeline: [(step: Int, time: Double)]) -> Int? {
        var low = 0, high = timeline.count
        while low < high {
            let middle = (low + high) / 2
            if timeline[middle].time < time { low = middle + 1 } else { high = middle }
        }
        return low < timeline.count ? timeline[low].step : nil
    }
}
