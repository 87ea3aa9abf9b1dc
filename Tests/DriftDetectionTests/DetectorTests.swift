import DriftDetection
import Testing

/// Behaviour of each detector beyond River's index lists: direction, resets, structure, settings.
@Suite struct DetectorTests {
    static let up = gaussianNoise(count: 2000, seed: 1) + gaussianNoise(count: 2000, seed: 2, mean: 3)
    static let down = gaussianNoise(count: 2000, seed: 1) + gaussianNoise(count: 2000, seed: 2, mean: -3)

    /// The first signal a detector gives on `values` at or after `start`.
    static func firstSignal<D: DriftDetector>(_ detector: D, _ values: [Double], from start: Int = 2000)
        -> DriftSignal?
    {
        var detector = detector
        for (t, x) in values.enumerated() {
            if let signal = detector.update(x), t >= start { return signal }
        }
        return nil
    }

    @Test("each detector tells an increase from a decrease")
    func direction() {
        #expect(Self.firstSignal(PageHinkley(), Self.up)?.kind == .increase)
        #expect(Self.firstSignal(PageHinkley(), Self.down)?.kind == .decrease)
        #expect(Self.firstSignal(ADWIN(), Self.up)?.kind == .increase)
        #expect(Self.firstSignal(ADWIN(), Self.down)?.kind == .decrease)
        #expect(Self.firstSignal(CUSUMChart(), Self.up)?.kind == .increase)
        #expect(Self.firstSignal(CUSUMChart(), Self.down)?.kind == .decrease)
    }

    @Test("a signal's statistic exceeds its threshold")
    func signalEvidence() throws {
        for signal in [
            Self.firstSignal(PageHinkley(), Self.up), Self.firstSignal(ADWIN(), Self.up),
            Self.firstSignal(CUSUMChart(), Self.up), Self.firstSignal(AnomalyScore(), Self.up),
        ] {
            let signal = try #require(signal)
            #expect(signal.statistic > signal.threshold)
        }
    }

    @Test("Page-Hinkley: one-sided modes ignore the other direction; a detection restarts the test")
    func pageHinkleyModes() {
        #expect(Self.firstSignal(PageHinkley(PageHinkleyConfiguration(mode: .up)), Self.down) == nil)
        #expect(Self.firstSignal(PageHinkley(PageHinkleyConfiguration(mode: .down)), Self.up) == nil)
        var ph = PageHinkley()
        var detectedAt: Int?
        for (t, x) in Self.up.enumerated() where ph.update(x) != nil {
            detectedAt = t
            break
        }
        #expect(detectedAt != nil)
        #expect(ph.statistic > 50)
        _ = ph.update(3)
        #expect(ph.count == 1 && ph.mean == 3 && ph.statistic == 0)
    }

    @Test("CUSUM: silent while estimating μ₀ and σ₀, then standardises by them; re-estimates after an alarm")
    func cusumReference() throws {
        var chart = CUSUMChart(CUSUMConfiguration(referenceSamples: 100, allowance: 0.5, decisionInterval: 5))
        let reference = gaussianNoise(count: 100, seed: 9, mean: 50, sd: 4)
        for x in reference { #expect(chart.update(x) == nil) }
        let estimated = try #require(chart.reference)
        #expect(abs(estimated.mean - 50) < 1.5 && abs(estimated.standardDeviation - 4) < 1)
        // A sample 2σ₀ above μ₀ adds 2 − k to S⁺.
        _ = chart.update(estimated.mean + 2 * estimated.standardDeviation)
        #expect(abs(chart.upperSum - 1.5) < 1e-12 && chart.lowerSum == 0)
        var alarm: DriftSignal?
        while alarm == nil { alarm = chart.update(estimated.mean + 2 * estimated.standardDeviation) }
        #expect(alarm?.kind == .increase && chart.statistic > 5)
        _ = chart.update(0)
        #expect(chart.reference == nil && chart.statistic == 0)
    }

    @Test("CUSUM on a constant reference stream uses the σ floor, not a division by zero")
    func cusumConstant() {
        var chart = CUSUMChart(CUSUMConfiguration(referenceSamples: 10))
        for _ in 0..<10 { _ = chart.update(1) }
        #expect(chart.reference?.standardDeviation == 1e-9)
        #expect(chart.update(1) == nil)
        #expect(chart.update(1.001)?.kind == .increase)
    }

    @Test("ADWIN keeps O(log W) bucket rows and the window's exact sum and variance")
    func adwinWindow() {
        var adwin = ADWIN()
        let values = gaussianNoise(count: 100_000, seed: 12, mean: 0.3, sd: 0.1)
        for x in values { #expect(adwin.update(x) == nil) }
        #expect(adwin.width == 100_000)
        let histogram = adwin.histogram
        // Rows r < R hold 2^r-sample buckets, at most 5 each: W ≤ 5·(2^R − 1) ⇒ R ≤ log2(W/5 + 1)+1.
        #expect(histogram.rowCount <= 16)
        var samples = 0.0
        var total = 0.0
        for row in 0..<histogram.rowCount {
            #expect(histogram.count(row: row) <= 5)
            samples += Double(histogram.count(row: row)) * ExponentialHistogram.bucketSize(row: row)
            for i in 0..<histogram.count(row: row) { total += histogram.bucket(row: row, index: i).total }
        }
        #expect(samples == adwin.width)
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        #expect(abs(total - adwin.total) < 1e-6 && abs(adwin.estimation - mean) < 1e-12)
        #expect(abs(adwin.varianceSum - squares) / squares < 1e-9)
        #expect(adwin.statistic > 0 && adwin.statistic <= 1)
    }

    @Test("ADWIN drops the oldest buckets on a detection and starts empty on the next sample")
    func adwinReset() {
        var adwin = ADWIN()
        var detected = false
        for x in Self.up where !detected { detected = adwin.update(x) != nil }
        #expect(detected && adwin.width < 2100)
        _ = adwin.update(3)
        #expect(adwin.width == 1 && adwin.total == 3 && adwin.statistic == 0)
    }

    @Test("invalid settings are named")
    func problems() {
        #expect(PageHinkleyConfiguration().problems.isEmpty)
        #expect(PageHinkleyConfiguration(minimumSamples: 0, delta: -1, threshold: 0, alpha: 1.5).problems.count == 4)
        #expect(ADWINConfiguration().problems.isEmpty)
        #expect(
            ADWINConfiguration(delta: 1, clock: 0, maximumBuckets: 0, minimumWindowLength: 0, gracePeriod: -1)
                .problems.count == 5)
        #expect(CUSUMConfiguration().problems.isEmpty)
        #expect(
            CUSUMConfiguration(referenceSamples: 1, allowance: -1, decisionInterval: 0, minimumStandardDeviation: 0)
                .problems.count == 4)
    }
}
