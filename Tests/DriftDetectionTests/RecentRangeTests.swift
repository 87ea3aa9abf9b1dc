import DriftDetection
import Foundation
import Testing

/// The range of about the last n values in fixed memory: the same extremes as a plain scan over
/// the values it says it spans, an old extreme dropped once its block leaves, and a restored state
/// that carries on exactly.
@Suite struct RecentRangeTests {
    @Test("the extremes equal a plain scan over the last count(c) finite values; count stays within one block of n")
    func matchesAScan() {
        let samples = 100
        var range = RecentRange(channelCount: 2, samples: samples, blockCount: 10)
        let noise = gaussianNoise(count: 2000, seed: 41)
        var seen: [[Double]] = [[], []]
        for t in 0..<noise.count {
            // Channel 1 skips every seventh step (NaN), so the channels' blocks drift apart.
            let values = [noise[t] * Double(1 + t % 13), t % 7 == 0 ? .nan : noise[(t * 31) % noise.count]]
            range.add(values)
            for c in 0..<2 where values[c].isFinite { seen[c].append(values[c]) }
            for c in 0..<2 {
                let n = range.count(c)
                let window = seen[c].suffix(n)
                let (low, high) = range.range(c)
                if window.isEmpty {
                    #expect(low == .infinity && high == -.infinity, "t \(t) channel \(c): no value yet")
                } else {
                    #expect(low == window.min() && high == window.max(), "t \(t) channel \(c)")
                }
                if seen[c].count >= samples {
                    #expect(n > samples - range.blockSize && n <= samples, "t \(t): spans \(n)")
                } else {
                    #expect(n == seen[c].count)
                }
            }
        }
    }

    @Test("an extreme is forgotten once about n values have followed it")
    func forgetsAnOldExtreme() {
        var range = RecentRange(channelCount: 1, samples: 400, blockCount: 40)
        range.add([50])
        for t in 0..<399 { range.add([sin(Double(t))]) }
        #expect(range.range(0).high == 50, "the extreme is within the last 400 values")
        for t in 0..<10 { range.add([sin(Double(t))]) }
        #expect(range.range(0).high <= 1, "\(range.range(0))")
    }

    @Test("a restored state carries on exactly")
    func restorable() throws {
        let xs = gaussianNoise(count: 1500, seed: 43)
        var whole = RecentRange(channelCount: 1, samples: 300, blockCount: 12)
        var first = RecentRange(channelCount: 1, samples: 300, blockCount: 12)
        for x in xs.prefix(700) {
            whole.add([x])
            first.add([x])
        }
        var restored = try restoredCopy(of: first, into: RecentRange(channelCount: 1, samples: 300, blockCount: 12))
        for x in xs.dropFirst(700) {
            whole.add([x])
            restored.add([x])
            #expect(whole.range(0) == restored.range(0) && whole.count(0) == restored.count(0))
        }
    }

    @Test("in the score: a second spike smaller than one seen long ago scores 1 with the recent range, not without")
    func secondSpike() {
        func run(_ recent: Int) -> (second: Double, inside: Double) {
            let configuration = ForecastScoreConfiguration(warmUpSamples: 50, refractorySamples: 0, recentRangeSamples: recent)
            var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
            var second = 0.0, inside = 0.0
            for t in 0..<7000 {
                let value = t == 500 ? 3 : t == 6500 ? 2.7 : t == 6800 ? 1.05 : sin(Double(t) / 10)
                let s = score.update(residual: [0.01], referenceResidual: [0], values: [value])
                if t == 6500 { second = s }
                if t == 6800 { inside = s }
            }
            return (second, inside)
        }
        let withRecent = run(4000)
        let without = run(0)
        #expect(withRecent.second == 1)
        #expect(without.second < ForecastScoreConfiguration().threshold, "the range seen long ago holds 3: \(without.second)")
        #expect(withRecent.inside < ForecastScoreConfiguration().threshold, "1.05 lies within the recent range's margin")
    }
}
