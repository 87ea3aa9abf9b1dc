import CAllocationCounter
import DriftDetection
import Foundation
import Testing

/// The forecast's anomaly score: 0 during its warm-up, in [0, 1] on anything, calibrated on the
/// stream itself (the same false-alarm rate on quiet and noisy residuals), and quick on one
/// surprising record or a value beyond the seen range.
@Suite struct ForecastAnomalyScoreTests {
    private func scores(_ residuals: [Double], values: [Double]? = nil, _ configuration: ForecastScoreConfiguration) -> [Double] {
        var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
        return residuals.indices.map { t in
            // The reference fits exactly here, so only the forecaster's residuals and the range speak.
            return score.update(residual: [residuals[t]], referenceResidual: [0], values: [values?[t] ?? 0])
        }
    }

    @Test("zero during the warm-up, in [0, 1] on any input")
    func bounded() {
        var residuals = gaussianNoise(count: 3000, seed: 1)
        residuals += [1e300, -1e300, .nan, .infinity, 0, 1e-300] + gaussianNoise(count: 500, seed: 2, sd: 1e-12)
        residuals += Array(repeating: 5, count: 500)
        let s = scores(residuals, values: residuals, ForecastScoreConfiguration(warmUpSamples: 100))
        #expect(s.prefix(100).allSatisfy { $0 == 0 })
        #expect(s.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(s.filter { !($0 >= 0 && $0 <= 1) }.prefix(5))")
    }

    @Test("the same false-alarm rate on residuals a million times larger", arguments: [1e-3, 1.0, 1e3])
    func calibrated(scale: Double) {
        // Scale-free above the floor of the residual scale, which is for noise-free streams.
        let configuration = ForecastScoreConfiguration(minimumResidualScale: 1e-12, rangeTolerance: 0)
        let base = gaussianNoise(count: 20_000, seed: 7)
        let reference = scores(base, configuration)
        let scaled = scores(base.map { $0 * scale }, configuration)
        let above = { (s: [Double]) in s.filter { $0 >= configuration.threshold }.count }
        // Scale-free by construction: the scores agree to rounding, so the alarms are the same.
        #expect(zip(reference, scaled).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(above(reference) == above(scaled))
        // And on calm Gaussian residuals the threshold is rarely reached.
        #expect(Double(above(reference)) / 20_000 < 2e-3, "\(above(reference)) alarms")
    }

    @Test("the same threshold means about the same on Gaussian and heavy-tailed residuals")
    func heavyTails() {
        let configuration = ForecastScoreConfiguration(rangeTolerance: 0)
        let gaussian = gaussianNoise(count: 20_000, seed: 9)
        // Student-t with 3 degrees of freedom: z / sqrt(χ²₃/3).
        let chi = (0..<3).map { gaussianNoise(count: 20_000, seed: 20 + UInt64($0)) }
        let heavy = gaussian.indices.map { i in gaussian[i] / ((chi[0][i] * chi[0][i] + chi[1][i] * chi[1][i] + chi[2][i] * chi[2][i]) / 3).squareRoot() }
        let rate = { (s: [Double]) in Double(s.filter { $0 >= configuration.threshold }.count) / Double(s.count) }
        let light = rate(scores(gaussian, configuration))
        let fat = rate(scores(heavy, configuration))
        #expect(fat < 5e-3, "heavy-tailed residuals alarm at \(fat)")
        #expect(light < 5e-3, "Gaussian residuals alarm at \(light)")
    }

    @Test("update allocates nothing, with both references, the horizon view and the range in use")
    func allocationFree() {
        var score = ForecastAnomalyScore(channelCount: 2)
        let noise = gaussianNoise(count: 6_000, seed: 17)
        var residual = [0.0, 0.0], reference = [0.0, 0.0], weekly = [0.0, 0.0], values = [0.0, 0.0], horizon = [0.0, 0.0]
        var jumpSeen = -1
        func step(_ t: Int) {
            for c in 0..<2 {
                residual[c] = noise[(t + c) % noise.count]
                reference[c] = 0.5 * residual[c]
                weekly[c] = 0.25 * residual[c]
                horizon[c] = 2 * residual[c]
                values[c] = residual[c] + (t > 5_000 ? 100 : 0)
            }
            score.update(
                residual: residual, referenceResidual: reference, values: values, weeklyResidual: weekly, weeklySettled: t > 1_000,
                horizonResidual: horizon, horizonSettled: t > 500)
            if score.outOfRange { jumpSeen = t }
        }
        for t in 0..<3_000 { step(t) }
        hamlet_allocation_counting_begin()
        for t in 3_000..<6_000 { step(t) }
        let allocations = hamlet_allocation_counting_end()
        #expect(allocations == 0)
        // The counted stretch did real work: the jump by 100 at 5,001 went beyond the seen range.
        #expect(jumpSeen == 5_001, "out of range at \(jumpSeen)")
    }

    @Test("a shift that only the horizon view sees scores above the threshold once the view has settled")
    func horizonView() {
        let calm = gaussianNoise(count: 3000, seed: 8, sd: 0.1)
        let configuration = ForecastScoreConfiguration(rangeTolerance: 0)
        func run(settled: Bool) -> [Double] {
            var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
            return calm.indices.map { t in
                // The forecaster and the reference fit; the horizon forecaster misses by 2 for 60 records.
                let shift = (2500..<2560).contains(t) ? 2.0 : 0
                return score.update(
                    residual: [calm[t]], referenceResidual: [0], values: [0], horizonResidual: [calm[t] + shift], horizonSettled: settled)
            }
        }
        let judged = run(settled: true)
        let threshold = configuration.threshold
        #expect(judged[2500..<2560].max()! >= threshold, "peak \(judged[2500..<2560].max()!)")
        #expect(judged[400..<2500].allSatisfy { $0 < threshold }, "false alarms before the shift")
        #expect(run(settled: false)[2500..<2560].allSatisfy { $0 < threshold }, "an unsettled view is not judged")
    }

    @Test("the horizon view judges lasting rises only: one record surprising to it alone scores less than in the forecaster's view")
    func horizonViewIgnoresSinglePoints() {
        let calm = gaussianNoise(count: 3000, seed: 10, sd: 0.1)
        let configuration = ForecastScoreConfiguration(rangeTolerance: 0)
        func peak(spikeInHorizon: Bool) -> Double {
            var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
            var s = 0.0
            for t in calm.indices {
                let spike = t == 2500 ? 3.0 : 0
                s = score.update(
                    residual: [calm[t] + (spikeInHorizon ? 0 : spike)], referenceResidual: [0], values: [0],
                    horizonResidual: [calm[t] + (spikeInHorizon ? spike : 0)], horizonSettled: true)
                if t == 2500 { return s }
            }
            return s
        }
        let inForecast = peak(spikeInHorizon: false), inHorizon = peak(spikeInHorizon: true)
        #expect(inForecast >= configuration.threshold, "\(inForecast)")
        #expect(inHorizon < inForecast, "\(inHorizon) against \(inForecast)")
    }

    @Test("one large residual after a calm stretch scores above the threshold at once")
    func pointAnomaly() {
        var residuals = gaussianNoise(count: 3000, seed: 4, sd: 0.1)
        residuals[2500] = 3
        let s = scores(residuals, ForecastScoreConfiguration(rangeTolerance: 0))
        #expect(s[2500] >= ForecastScoreConfiguration().threshold, "score \(s[2500])")
        #expect(s[2500] == s.max())
    }

    @Test("a value beyond the seen range scores 1, one inside it does not")
    func outOfRange() {
        let values = (0..<1000).map { sin(Double($0) * 0.1) } + [1.2, 0.5]
        let residuals = Array(repeating: 0.01, count: values.count)
        let s = scores(residuals, values: values, ForecastScoreConfiguration())
        #expect(s[1000] == 1)
        #expect(s[1001] < ForecastScoreConfiguration().threshold)
    }

    @Test("the refractory hold keeps the score below the threshold after an alert")
    func refractory() {
        var residuals = gaussianNoise(count: 3000, seed: 5, sd: 0.1)
        residuals[2000] = 5
        residuals[2150] = 50
        let held = scores(residuals, ForecastScoreConfiguration(rangeTolerance: 0, refractorySamples: 200))
        let free = scores(residuals, ForecastScoreConfiguration(rangeTolerance: 0))
        let threshold = ForecastScoreConfiguration().threshold
        #expect(held[2000] >= threshold && free[2150] >= threshold, "\(held[2000]) \(free[2150])")
        #expect(held[2150] < threshold)
        #expect(held[2000] == free[2000])
    }

    @Test("a view is judged only once its tails hold minimumTailSamples values")
    func youngTailsAreNotJudged() {
        let configuration = ForecastScoreConfiguration(minimumTailSamples: 300)
        let calm = gaussianNoise(count: 300, seed: 6, sd: 0.1)
        var view = ResidualSurprise(channelCount: 1, configuration: configuration)
        for r in calm.dropLast() {
            view.judge([r])
            view.learn([r])
        }
        view.judge([3])
        #expect(view.smallestProbability == 1, "299 values in the tails are too few to judge by")
        view.learn([calm[calm.count - 1]])
        view.judge([3])
        #expect(view.smallestProbability < 1e-3, "\(view.smallestProbability)")
    }
}

/// Peaks over threshold with bounded memory: the tail probability matches a known distribution's.
@Suite struct TailEstimatorTests {
    @Test("exponential samples: P(X ≥ x) within 30 % of exp(−x) from the quantile out to 10⁻⁴")
    func exponentialTail() {
        var tail = TailEstimator(upperBound: 32, memorySamples: 1_000_000, quantile: 0.95)
        let uniform = gaussianNoise(count: 200_000, seed: 12).map { 0.5 * erfc(-$0 / 2.0.squareRoot()) }
        for u in uniform { tail.add(-log(max(1 - u, 1e-300))) }
        for x in [3.5, 5.0, 7.0, 9.0] {
            let p = tail.tailProbability(x)
            #expect(abs(p / exp(-x) - 1) < 0.3, "x \(x): \(p) against \(exp(-x))")
        }
        #expect(abs(tail.tailProbability(0) - 1) < 1e-9)
    }

    @Test("a value judged but kept out of the range (rangeValues NaN) does not widen it: the next one just beyond still scores 1")
    func rangeValuesLeaveTheRange() {
        let configuration = ForecastScoreConfiguration(warmUpSamples: 50, refractorySamples: 0)
        var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
        for t in 0..<500 { score.update(residual: [0], referenceResidual: [0], values: [sin(Double(t))]) }
        #expect(score.update(residual: [0], referenceResidual: [0], values: [1e9], rangeValues: [.nan]) == 1)
        #expect(score.update(residual: [0], referenceResidual: [0], values: [1.5]) == 1, "the range is still about ±1")
        var widened = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
        for t in 0..<500 { widened.update(residual: [0], referenceResidual: [0], values: [sin(Double(t))]) }
        widened.update(residual: [0], referenceResidual: [0], values: [1e9])
        #expect(widened.update(residual: [0], referenceResidual: [0], values: [1.5]) < 1, "learned, 1e9 widens the range")
    }

    @Test("forgetRange makes a channel's range as new: a range widened by a fault judges by range again")
    func forgetRange() {
        let configuration = ForecastScoreConfiguration(warmUpSamples: 50, refractorySamples: 0)
        var score = ForecastAnomalyScore(channelCount: 1, configuration: configuration)
        score.update(residual: [0], referenceResidual: [0], values: [3.4e38])
        for t in 0..<500 { score.update(residual: [0], referenceResidual: [0], values: [sin(Double(t))]) }
        #expect(score.update(residual: [0], referenceResidual: [0], values: [1.5]) < 1, "3.4e38 is in the range")
        score.forgetRange(channel: 0)
        for t in 0..<100 { score.update(residual: [0], referenceResidual: [0], values: [sin(Double(t))]) }
        #expect(score.update(residual: [0], referenceResidual: [0], values: [1.5]) == 1)
    }
}
