import Foundation
import SeededRandom
import StreamFeatures
import Testing

/// The sensor normaliser: judged against the past only, unmoved by one outlier, following a
/// level change, and safe on a constant stream.
@Suite struct RobustScalerTests {
    private func add(_ scaler: inout RobustScaler, _ value: Double) {
        scaler.add([value])
    }

    @Test("on Gaussian noise the output has about zero median and unit spread")
    func standardises() {
        var scaler = RobustScaler(channelCount: 1)
        var generator = SplitMix64(seed: 3)
        var outputs: [Double] = []
        for t in 0..<20_000 {
            let x = 40 + 7 * generator.nextGaussian()
            if t >= 5_000 { outputs.append(scaler.normalize(x, channel: 0)) }
            add(&scaler, x)
        }
        let sorted = outputs.sorted()
        let median = sorted[sorted.count / 2]
        let meanAbsolute = outputs.map(abs).reduce(0, +) / Double(outputs.count)
        #expect(abs(median) < 0.05, "median \(median)")
        // Scaled by the mean absolute deviation, a Gaussian's |u| averages 1.
        #expect(abs(meanAbsolute - 1) < 0.1, "mean |u| \(meanAbsolute)")
    }

    @Test("a value is normalised with the records before it, not with itself")
    func causal() {
        var scaler = RobustScaler(channelCount: 1)
        for x in [1.0, 2, 3, 2, 1, 2, 3] { add(&scaler, x) }
        let before = scaler.normalize(1000, channel: 0)
        add(&scaler, 1000)
        #expect(before == scaler.bound)
        #expect(scaler.normalize(2, channel: 0) != before)
    }

    @Test("one huge outlier moves the location by at most clip scales over the memory")
    func outlier() {
        var scaler = RobustScaler(channelCount: 1, memorySamples: 100)
        var generator = SplitMix64(seed: 5)
        for _ in 0..<2_000 { add(&scaler, 10 + generator.nextGaussian()) }
        let location = scaler.location(0)
        let scale = scaler.scale(0)
        add(&scaler, 1e9)
        #expect(abs(scaler.location(0) - location) <= scaler.clip * scale / 100 + 1e-12)
        #expect(scaler.scale(0) < 1.1 * scale)
    }

    @Test("after a level change the output returns near zero within a few memories")
    func levelChange() {
        var scaler = RobustScaler(channelCount: 1, memorySamples: 200)
        var generator = SplitMix64(seed: 8)
        for _ in 0..<2_000 { add(&scaler, generator.nextGaussian()) }
        for _ in 0..<3_000 { add(&scaler, 30 + generator.nextGaussian()) }
        #expect(abs(scaler.normalize(30, channel: 0)) < 0.5, "\(scaler.normalize(30, channel: 0))")
    }

    @Test("a step of 30 scales is followed after shiftRunSamples records; a shorter burst is not")
    func levelShiftRun() {
        var scaler = RobustScaler(channelCount: 1, shiftRunSamples: 30)
        var generator = SplitMix64(seed: 9)
        for _ in 0..<2_000 { add(&scaler, 10 + generator.nextGaussian()) }
        let location = scaler.location(0)
        for _ in 0..<29 { add(&scaler, 40 + generator.nextGaussian()) }
        #expect(scaler.normalize(40, channel: 0) > 10, "29 records are a burst, not yet a new level")
        for _ in 0..<5 { add(&scaler, 10 + generator.nextGaussian()) }
        for _ in 0..<29 { add(&scaler, 40 + generator.nextGaussian()) }
        #expect(scaler.normalize(40, channel: 0) > 10, "the run starts again after records inside the clip")
        add(&scaler, 40 + generator.nextGaussian())
        #expect(abs(scaler.normalize(40, channel: 0)) < 0.5, "\(scaler.normalize(40, channel: 0))")
        var unshifted = RobustScaler(channelCount: 1, shiftRunSamples: 0)
        for _ in 0..<2_000 { unshifted.add([10 + generator.nextGaussian()]) }
        for _ in 0..<100 { unshifted.add([40 + generator.nextGaussian()]) }
        #expect(unshifted.normalize(40, channel: 0) > 10, "without the run rule the location creeps")
        #expect(abs(location - 10) < 0.2)
    }

    @Test("the saved state round-trips, runs included, and an older state without runs is read")
    func savedState() {
        var scaler = RobustScaler(channelCount: 2)
        for t in 0..<500 { scaler.add([Double(t % 7), 100 + Double(t % 3)]) }
        for _ in 0..<10 { scaler.add([50, 100]) }
        var copy = RobustScaler(channelCount: 2)
        let restored = copy.restore(scaler.savedValues)
        #expect(restored)
        for _ in 0..<25 {
            scaler.add([50, 100])
            copy.add([50, 100])
        }
        #expect(copy.savedValues == scaler.savedValues)
        #expect(abs(copy.normalize(50, channel: 0)) < 1, "the run begun before the save completes after it")
        var older = RobustScaler(channelCount: 2)
        let readOlder = older.restore(Array(scaler.savedValues.prefix(5)))
        #expect(readOlder)
        #expect(older.location(1) == scaler.location(1))
        let readWrong = older.restore([1, 2, 3])
        #expect(!readWrong)
    }

    @Test("a constant stream normalises to zero and a change from it stays finite")
    func constant() {
        var scaler = RobustScaler(channelCount: 2)
        for _ in 0..<500 { scaler.add([45.0, 0]) }
        #expect(scaler.normalize(45, channel: 0) == 0)
        #expect(scaler.normalize(46, channel: 0) == scaler.bound)
        #expect(scaler.normalize(0, channel: 1) == 0)
        #expect(scaler.normalize(1, channel: 1).isFinite)
        #expect(scaler.normalize(.nan, channel: 0) == 0)
    }
}

/// Time of day and week as phases on two circles.
@Suite struct CalendarPhasesTests {
    private func phases(_ seconds: Double) -> [Double] {
        var out = [Double](repeating: .nan, count: CalendarPhases.count)
        out.withUnsafeMutableBufferPointer { CalendarPhases.write(seconds: seconds, to: $0.baseAddress!) }
        return out
    }

    @Test("Monday midnight is phase zero of both circles; noon is half a day")
    func knownTimes() {
        // 2014-04-07 00:00:00 (a Monday) = 1396828800 s.
        let monday = phases(1_396_828_800)
        #expect(abs(monday[0]) < 1e-9 && abs(monday[1] - 1) < 1e-9)
        #expect(abs(monday[2]) < 1e-9 && abs(monday[3] - 1) < 1e-9)
        let noon = phases(1_396_828_800 + 43_200)
        #expect(abs(noon[0]) < 1e-9 && abs(noon[1] + 1) < 1e-9)
        // Thursday noon is 3.5 days into the week.
        let thursday = phases(1_396_828_800 + 3.5 * 86_400)
        #expect(abs(thursday[3] - cos(2 * .pi * 3.5 / 7)) < 1e-9)
    }

    @Test("Sunday 23:59 lies next to Monday 00:00 on both circles")
    func wraps() {
        let late = phases(1_396_828_800 - 60)
        let early = phases(1_396_828_800)
        for k in 0..<CalendarPhases.count { #expect(abs(late[k] - early[k]) < 0.01) }
    }

    @Test("a missing time gives zeros")
    func missing() { #expect(phases(.nan) == [0, 0, 0, 0]) }

    @Test("a first value far beyond the others is dropped when the warm-up ends; without one nothing changes")
    func warmUpOutlier() {
        var poisoned = RobustScaler(channelCount: 2)
        var clean = RobustScaler(channelCount: 2)
        var generator = SplitMix64(seed: 5)
        var values: [[Double]] = []
        for _ in 0..<20 { values.append([5 + generator.nextGaussian(), 2e8 + 1e6 * generator.nextGaussian()]) }
        for t in 0..<20 {
            poisoned.add(t == 0 ? [3.4e38, values[t][1]] : values[t])
            clean.add(values[t])
            #expect(poisoned.warmUpDrops.isEmpty == (t < 19))
            #expect(clean.warmUpDrops.isEmpty)
        }
        #expect(poisoned.warmUpDrops.map(\.value) == [3.4e38])
        let rest = values[1...].map { $0[0] }
        let mean = rest.reduce(0, +) / Double(rest.count)
        #expect(abs(poisoned.location(0) - mean) < 1e-9)
        #expect(abs(poisoned.scale(0) - rest.map { abs($0 - mean) }.reduce(0, +) / Double(rest.count)) < 1e-9)
        // The other channel, and a clean scaler, keep their plain running moments exactly.
        #expect(poisoned.location(1) == clean.location(1) && poisoned.scale(1) == clean.scale(1))
        #expect(abs(clean.location(0) - values.map { $0[0] }.reduce(0, +) / 20) < 1e-9)
    }
}
