import CAllocationCounter
import DriftDetection
import Foundation
import Testing

/// The context view (after CAD OSE): a repeating pattern becomes familiar, a broken one is new
/// even inside the range, contexts are forgotten by age, and the view's state carries on exactly
/// after a checkpoint, alone and inside the score.
@Suite struct ContextNoveltyTests {
    /// A square wave between 1 and 9 in a fixed range [0, 10]: `period` records high then low.
    private func wave(_ t: Int, period: Int) -> Double { (t / period) % 2 == 0 ? 9 : 1 }

    @Test("a repeating pattern is new only while first seen; a broken rhythm inside the range is new again")
    func brokenRhythm() {
        var novelty = ContextNovelty(channelCount: 1, order: 4, bins: 8, memorySamples: 1000)
        var seen: [Double] = []
        for t in 0..<600 {
            // Period 10 until 500, then period 2: the same two levels in a rhythm whose four-value
            // contexts (9, 1, 9, 1) were never seen.
            novelty.step([wave(t, period: t < 500 ? 10 : 2)], lows: [0], highs: [10])
            seen.append(novelty.novelty[0])
        }
        #expect(seen[0..<3].allSatisfy { $0 == 0 }, "no full context yet")
        #expect(seen[3..<40].contains { $0 > 0 }, "the first contexts are new")
        #expect(seen[100..<500].allSatisfy { $0 == 0 }, "a learned rhythm is familiar")
        #expect(seen[500..<510].max()! >= 0.25, "the new rhythm makes contexts never seen: \(seen[500..<510])")
        #expect(seen[550..<600].allSatisfy { $0 == 0 }, "the new rhythm is learned in turn")
    }

    @Test("a context not seen within memorySamples steps counts as new again")
    func forgetsByAge() {
        var novelty = ContextNovelty(channelCount: 1, order: 2, bins: 4, memorySamples: 50)
        let (lows, highs) = ([0.0], [4.0])
        for _ in 0..<10 { novelty.step([0.5], lows: lows, highs: highs) }
        novelty.step([3.5], lows: lows, highs: highs)
        #expect(novelty.novelty[0] == 1, "cell 3 and the jump 0 → 3 are both new")
        for _ in 0..<10 { novelty.step([0.5], lows: lows, highs: highs) }
        novelty.step([3.5], lows: lows, highs: highs)
        #expect(novelty.novelty[0] == 0, "seen 11 steps ago")
        for _ in 0..<60 { novelty.step([0.5], lows: lows, highs: highs) }
        novelty.step([3.5], lows: lows, highs: highs)
        #expect(novelty.novelty[0] == 1, "last seen 61 steps ago, beyond the memory of 50")
    }

    @Test("NaN and a range without width leave a channel's novelty 0 and its contexts unlearned")
    func skipsWithoutARange() {
        var novelty = ContextNovelty(channelCount: 2, order: 2, bins: 4, memorySamples: 100)
        novelty.step([.nan, 1], lows: [1, 1], highs: [1, 1])
        #expect(novelty.novelty == [0, 0])
        novelty.step([0.5, 0.5], lows: [0, 0], highs: [4, 4])
        novelty.step([3.5, 3.5], lows: [0, 0], highs: [4, 4])
        #expect(novelty.novelty == [1, 1], "the skipped steps taught nothing")
    }

    @Test("a restored state carries on exactly")
    func restorable() throws {
        let xs = gaussianNoise(count: 2000, seed: 51)
        let make = { ContextNovelty(channelCount: 2, order: 3, bins: 6, memorySamples: 300) }
        var whole = make(), first = make()
        let (lows, highs) = ([-2.0, -2.0], [2.0, 2.0])
        for t in 0..<900 {
            whole.step([xs[t], xs[1999 - t]], lows: lows, highs: highs)
            first.step([xs[t], xs[1999 - t]], lows: lows, highs: highs)
        }
        var restored = try restoredCopy(of: first, into: make())
        for t in 900..<2000 {
            whole.step([xs[t], xs[1999 - t]], lows: lows, highs: highs)
            restored.step([xs[t], xs[1999 - t]], lows: lows, highs: highs)
            #expect(whole.novelty == restored.novelty, "t \(t)")
        }
    }

    @Test("settings whose table would exceed its bound are refused")
    func boundedTable() {
        #expect(ForecastScoreConfiguration(contextSamples: 1000, contextOrder: 4, contextBins: 8).problems.isEmpty)
        #expect(ForecastScoreConfiguration(contextSamples: 1000, contextOrder: 6, contextBins: 8).problems.count == 1)
        #expect(ForecastScoreConfiguration(contextSamples: -1).problems.count == 1)
    }

    /// Scores of a square wave (range [1, 9]) whose rhythm changes from period 25 to period 2 at
    /// 3,000 while every residual stays calm: only the context view can see it.
    private func rhythmScores(_ configuration: ForecastScoreConfiguration, checkpointAt: Int? = nil) throws -> [Double] {
        let calm = gaussianNoise(count: 3600, seed: 52, sd: 0.1)
        var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
        var out: [Double] = []
        for t in calm.indices {
            if t == checkpointAt {
                var state = SavedState()
                score.save(to: &state)
                score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
                var reader = SavedStateReader(state)
                try score.load(from: &reader)
                try reader.finish()
            }
            let value = wave(t, period: t < 3000 ? 25 : 2)
            out.append(score.update(residual: [calm[t]], referenceResidual: [0], values: [value], horizonResidual: nil))
        }
        return out
    }

    @Test("a new rhythm inside the range with calm residuals scores above the threshold with the context view only")
    func contextViewScores() throws {
        let on = ForecastScoreConfiguration(contextSamples: 2000)
        var off = on
        off.contextSamples = 0
        let withView = try rhythmScores(on), without = try rhythmScores(off)
        #expect(withView[3000..<3100].max()! >= on.threshold, "peak \(withView[3000..<3100].max()!)")
        #expect(without[3000..<3100].max()! < on.threshold, "peak without the view \(without[3000..<3100].max()!)")
        #expect(withView[1000..<3000].allSatisfy { $0 < on.threshold }, "false alarms on the familiar rhythm")
    }

    @Test("a score with the context view resumed from a checkpoint scores as an uninterrupted one")
    func resumedScoreMatches() throws {
        let configuration = ForecastScoreConfiguration(contextSamples: 2000)
        let whole = try rhythmScores(configuration)
        for cut in [150, 1700, 3010] {
            #expect(try rhythmScores(configuration, checkpointAt: cut) == whole, "checkpoint at \(cut)")
        }
    }

    @Test("update allocates nothing with the context view on")
    func allocationFree() {
        var score = ForecastAnomalyScore(channelCount: 2, configuration: ForecastScoreConfiguration(contextSamples: 1000))
        let noise = gaussianNoise(count: 4_000, seed: 53)
        var values = [0.0, 0.0]
        func step(_ t: Int) {
            values[0] = noise[t]
            values[1] = noise[(t * 7) % noise.count]
            score.update(residual: values, referenceResidual: values, values: values)
        }
        for t in 0..<2_000 { step(t) }
        hamlet_allocation_counting_begin()
        for t in 2_000..<4_000 { step(t) }
        #expect(hamlet_allocation_counting_end() == 0)
        #expect(score.context.count == 4_000, "the view learned every step")
    }
}
