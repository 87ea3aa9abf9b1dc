import DriftDetection
import Foundation
import Testing

/// The anomaly score: in [0, 1], about 0.5 on stationary errors, above its threshold soon after
/// the errors rise, and exactly the documented formula.
@Suite struct AnomalyScoreTests {
    @Test("the score stays in [0, 1] on any input", arguments: AnomalyScoreConfiguration.Scale.allCases)
    func bounded(scale: AnomalyScoreConfiguration.Scale) {
        var score = AnomalyScore(AnomalyScoreConfiguration(warmUpSamples: 10, scale: scale))
        var values = gaussianNoise(count: 2000, seed: 3)
        values += Array(repeating: 1e300, count: 50) + Array(repeating: -1e300, count: 50)
        values += [.nan, .infinity, -.infinity, 0, 1e-300, 5, -5] + gaussianNoise(count: 500, seed: 4, sd: 1e-12)
        values += Array(repeating: 7, count: 3000) + gaussianNoise(count: 500, seed: 5, mean: 7)
        for x in values {
            let s = score.add(x)
            #expect(s >= 0 && s <= 1, "score \(s) after \(x)")
        }
    }

    @Test("on stationary errors the score averages 0.5 and rarely passes the threshold")
    func stationary() {
        var score = AnomalyScore()
        var sum = 0.0
        var above = 0
        let values = gaussianNoise(count: 100_000, seed: 11, mean: 2, sd: 0.3)
        for (t, x) in values.enumerated() {
            let s = score.add(x)
            if t < 1000 {
                #expect(s == 0.5)
                continue
            }
            sum += s
            if s > score.threshold { above += 1 }
        }
        let mean = sum / Double(values.count - 1000)
        #expect(abs(mean - 0.5) < 0.05, "mean score \(mean)")
        #expect(Double(above) / Double(values.count) < 1e-3, "\(above) samples above the threshold")
    }

    @Test(
        "a constant error stream scores 0.5 (or its log-scale equivalent)",
        arguments: AnomalyScoreConfiguration.Scale.allCases)
    func constant(scale: AnomalyScoreConfiguration.Scale) {
        var score = AnomalyScore(AnomalyScoreConfiguration(scale: scale))
        for _ in 0..<5000 { score.add(0.25) }
        #expect(score.score == AnomalyScore.score(z: 0, scale: scale))
    }

    @Test("after a one-σ rise the score passes 1 − 10⁻⁴ within 100 samples (median over 100 seeds)")
    func risesAfterShift() {
        var crossings: [Int] = []
        for seed in UInt64(1)...100 {
            let stream = stepStream(seed: seed, before: 3000, after: 1000, by: 1)
            var score = AnomalyScore()
            var crossing = Int.max
            for (t, x) in stream.values.enumerated() where score.add(x) > score.threshold && t >= 3000 {
                crossing = t - 3000
                break
            }
            crossings.append(crossing)
        }
        crossings.sort()
        #expect(crossings[50] <= 100, "median \(crossings[50]) samples; \(crossings)")
        #expect(crossings[90] <= 1000, "90th percentile \(crossings[90]) samples")
        // A two-σ rise is unmistakable.
        for seed in UInt64(1)...20 {
            let stream = stepStream(seed: seed, before: 3000, after: 200, by: 2)
            var score = AnomalyScore()
            let hit = stream.values.indices.first { score.add(stream.values[$0]) > score.threshold && $0 >= 3000 }
            #expect(hit.map { $0 - 3000 <= 50 } == true, "seed \(seed): \(String(describing: hit))")
        }
    }

    @Test("a fall in the error does not score high (one-sided)")
    func oneSided() {
        let stream = stepStream(seed: 8, before: 3000, after: 1000, by: -3)
        var score = AnomalyScore()
        let after = stream.values.map { score.add($0) }.suffix(1000)
        #expect(after.allSatisfy { $0 < 0.5 })
    }

    @Test("the linear score is Φ(z) of the documented z; short run 1, plain moments")
    func formula() {
        // shortRunSamples 1 makes s = x; longRunSamples above the length makes mean/var exact.
        let configuration = AnomalyScoreConfiguration(shortRunSamples: 1, longRunSamples: 1_000_000, warmUpSamples: 20)
        var score = AnomalyScore(configuration)
        let values = gaussianNoise(count: 300, seed: 21, mean: 1, sd: 2)
        for (t, x) in values.enumerated() {
            let s = score.add(x)
            guard t >= 20 else { continue }
            let history = values[..<t]
            let mean = history.reduce(0, +) / Double(t)
            let sd = (history.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(t)).squareRoot()
            let z = (x - mean) / sd
            let expected = 1 - 0.5 * erfc(z / 2.0.squareRoot())
            #expect(abs(s - expected) < 1e-9, "t = \(t)")
        }
    }

    @Test("the short run is an exponential average of span N: weight 2/(N + 1)")
    func shortRun() {
        var score = AnomalyScore(AnomalyScoreConfiguration(shortRunSamples: 3))
        score.add(4)
        #expect(score.shortRunMean == 4)
        score.add(0)
        #expect(score.shortRunMean == 2)
        score.add(2)
        #expect(score.shortRunMean == 2)
    }

    @Test("the log scale is HTM's: ln(Q + 1e-10) / ln(1e-10)")
    func logarithmic() {
        #expect(abs(AnomalyScore.score(z: 0, scale: .logarithmic) - log(0.5 + 1e-10) / log(1e-10)) < 1e-15)
        // 1 − Q = 0.9999 ⇔ Q = 1e-4 ⇔ log score ≈ 0.4.
        let z4 = 3.719016485455709
        #expect(abs(AnomalyScore.score(z: z4, scale: .logarithmic) - 0.4) < 1e-6)
        #expect(abs(AnomalyScore.score(z: z4, scale: .linear) - 0.9999) < 1e-9)
        #expect(AnomalyScore.score(z: 40, scale: .logarithmic) == 1)
        #expect(AnomalyScore.score(z: -40, scale: .logarithmic) == 0)
        #expect(AnomalyScoreConfiguration(scale: .logarithmic).threshold == 0.4)
    }

    @Test("invalid settings are named")
    func problems() {
        #expect(AnomalyScoreConfiguration().problems.isEmpty)
        let bad = AnomalyScoreConfiguration(
            shortRunSamples: 0, longRunSamples: 1, warmUpSamples: 0, minimumStandardDeviation: 0, threshold: 1)
        #expect(bad.problems.count == 5)
    }
}
