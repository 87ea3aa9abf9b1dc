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
            let r = [residuals[t]]
            let v = [values?[t] ?? 0]
            return r.withUnsafeBufferPointer { rp in v.withUnsafeBufferPointer { vp in score.update(residual: rp, referenceResidual: rp, values: vp) } }
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
        let configuration = ForecastScoreConfiguration(rangeTolerance: 0)
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

    @Test("one large residual after a calm stretch scores above the threshold at once")
    func pointAnomaly() {
        var residuals = gaussianNoise(count: 3000, seed: 4, sd: 0.1)
        residuals[2500] = 3
        let s = scores(residuals, ForecastScoreConfiguration(rangeTolerance: 0))
        #expect(s[2500] >= 0.5, "score \(s[2500])")
        #expect(s[2500] == s.max())
    }

    @Test("a value beyond the seen range scores 1, one inside it does not")
    func outOfRange() {
        let values = (0..<1000).map { sin(Double($0) * 0.1) } + [1.2, 0.5]
        let residuals = Array(repeating: 0.01, count: values.count)
        let s = scores(residuals, values: values, ForecastScoreConfiguration())
        #expect(s[1000] == 1)
        #expect(s[1001] < 0.5)
    }

    @Test("the refractory hold keeps the score below the threshold after an alert")
    func refractory() {
        var residuals = gaussianNoise(count: 3000, seed: 5, sd: 0.1)
        residuals[2000] = 5
        residuals[2010] = 5
        let held = scores(residuals, ForecastScoreConfiguration(rangeTolerance: 0, refractorySamples: 50))
        let free = scores(residuals, ForecastScoreConfiguration(rangeTolerance: 0))
        #expect(held[2000] >= 0.5 && free[2010] >= 0.5)
        #expect(held[2010] < 0.5)
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
        #expect(tail.tailProbability(0) == 1)
    }
}
