import DriftDetection
import Foundation
import Testing

/// The slow references: a daily profile learned from a few days, a weekly one that starts on
/// Monday, the long-run level without times, and when each has settled.
@Suite struct SeasonalProfileTests {
    private static let monday = 1_396_828_800.0  // 2014-04-07 00:00:00, a Monday

    @Test("after three days of a daily cycle the profile expects it within 2 % of its amplitude")
    func learnsDailyCycle() {
        var profile = SeasonalProfile(channelCount: 1)
        let cycle = { (t: Double) in 50 + 20 * sin(2 * .pi * t / 86_400) }
        var settledAt: Double?
        for k in 0..<(3 * 288) {
            let t = Self.monday + Double(k) * 300
            profile.setTime(t)
            profile.learn(cycle(t), channel: 0)
            if settledAt == nil, profile.isSettled { settledAt = t - Self.monday }
        }
        #expect(settledAt == 86_400, "settled after \(settledAt ?? -1) s")
        var worst = 0.0
        for k in 0..<288 {
            let t = Self.monday + 3 * 86_400 + Double(k) * 300 + 150
            profile.setTime(t)
            worst = max(worst, abs(profile.expected(0) - cycle(t)))
        }
        #expect(worst < 0.02 * 20, "worst error \(worst)")
    }

    @Test("a weekly profile tells a Saturday from a Tuesday after two weeks; a daily one cannot")
    func weekendsDiffer() {
        var weekly = SeasonalProfile(channelCount: 1, cellCount: 56, rate: 0.5, periodSeconds: 7 * 86_400)
        var daily = SeasonalProfile(channelCount: 1)
        // Hourly readings: 100 on weekdays, 40 on Saturdays and Sundays.
        let reading = { (t: Double) in Int((t - Self.monday) / 86_400) % 7 >= 5 ? 40.0 : 100.0 }
        for k in 0..<(14 * 24) {
            let t = Self.monday + Double(k) * 3_600
            weekly.setTime(t)
            daily.setTime(t)
            weekly.learn(reading(t), channel: 0)
            daily.learn(reading(t), channel: 0)
        }
        #expect(weekly.isSettled && daily.isSettled)
        let tuesdayNoon = Self.monday + 15 * 86_400 + 43_200, saturdayNoon = Self.monday + 19 * 86_400 + 43_200
        weekly.setTime(tuesdayNoon)
        #expect(abs(weekly.expected(0) - 100) < 1, "Tuesday: \(weekly.expected(0))")
        weekly.setTime(saturdayNoon)
        #expect(abs(weekly.expected(0) - 40) < 1, "Saturday: \(weekly.expected(0))")
        daily.setTime(saturdayNoon)
        #expect(daily.expected(0) > 60, "a daily profile expects a weekday's level on a Saturday: \(daily.expected(0))")
    }

    @Test("without times it is the long-run level, settled after a tenth of its memory")
    func level() {
        var profile = SeasonalProfile(channelCount: 2, levelMemory: 100)
        for k in 0..<200 {
            profile.setTime(nil)
            #expect(profile.isSettled == (k >= 10))
            profile.learn(10, channel: 0)
            profile.learn(Double(k % 2 == 0 ? -1 : 1), channel: 1)
        }
        profile.setTime(nil)
        #expect(abs(profile.expected(0) - 10) < 1e-9)
        #expect(abs(profile.expected(1)) < 0.05)
    }

    @Test("save and load give back a profile that expects the same everywhere")
    func savedState() throws {
        var profile = SeasonalProfile(channelCount: 1)
        for k in 0..<500 {
            profile.setTime(Self.monday + Double(k) * 600)
            profile.learn(Double(k % 144), channel: 0)
        }
        var state = SavedState()
        profile.save(to: &state)
        var copy = SeasonalProfile(channelCount: 1)
        var reader = SavedStateReader(state)
        try copy.load(from: &reader)
        try reader.finish()
        for k in 0..<144 {
            profile.setTime(Self.monday + Double(k) * 600)
            copy.setTime(Self.monday + Double(k) * 600)
            #expect(copy.expected(0) == profile.expected(0))
        }
        #expect(copy.isSettled == profile.isSettled)
        var short = SavedStateReader(SavedState(values: Array(state.values.dropLast())))
        var fresh = SeasonalProfile(channelCount: 1)
        #expect(throws: SavedStateError.self) { try fresh.load(from: &short) }
    }

    @Test("reseed puts a channel's expectation back at a value, timed or not, and it learns on from there")
    func reseed() {
        var level = SeasonalProfile(channelCount: 2)
        var daily = SeasonalProfile(channelCount: 2)
        for k in 0..<20 {
            let t = Self.monday + Double(k) * 300
            daily.setTime(t)
            for c in 0..<2 {
                level.learn(k == 0 ? 3.4e38 : 5, channel: c)
                daily.learn(k == 0 ? 3.4e38 : 5, channel: c)
            }
        }
        daily.setTime(Self.monday)  // the cell that learned the fault
        #expect(level.expected(0) > 1e36 && daily.expected(0) > 1e36, "the fault is in both")
        level.reseed(channel: 0, at: 5)
        daily.reseed(channel: 0, at: 5)
        #expect(level.expected(0) == 5 && daily.expected(0) == 5)
        #expect(level.expected(1) > 1e36, "the other channel is untouched")
        level.learn(7, channel: 0)
        #expect(level.expected(0) > 5 && level.expected(0) < 7)
    }
}
