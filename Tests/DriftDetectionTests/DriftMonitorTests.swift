import DriftDetection
import Testing

/// A test double: its statistic is the latest sample and it signals on every sample above 1.
struct LevelDetector: DriftDetector {
    var name: String { "level" }
    var threshold: Double { 1 }
    var statistic = 0.0

    mutating func update(_ x: Double) -> DriftSignal? {
        statistic = x
        return x > threshold ? DriftSignal(kind: .increase, statistic: x, threshold: threshold) : nil
    }
}

/// Warm-up, cooldown and hysteresis turn a detector's signals into one alert per change.
@Suite struct DriftMonitorTests {
    static let gatesOff = DriftMonitorConfiguration(warmUpSamples: 0, cooldownSamples: 0, rearmFraction: nil)

    @Test("without gates every signal is an alert")
    func gatesOff() {
        let values = Array(repeating: 0.0, count: 10) + Array(repeating: 5.0, count: 20)
        #expect(alertIndices(DriftMonitor(LevelDetector(), Self.gatesOff), values) == Array(10..<30))
    }

    @Test("hysteresis: a level that stays above the threshold alerts once")
    func hysteresisHoldsWhileHigh() {
        let values = Array(repeating: 0.0, count: 100) + Array(repeating: 5.0, count: 2000)
        let monitor = DriftMonitor(
            LevelDetector(), DriftMonitorConfiguration(warmUpSamples: 0, cooldownSamples: 0, rearmFraction: 0.5))
        #expect(signalIndices(LevelDetector(), values).count == 2000)
        #expect(alertIndices(monitor, values) == [100])
    }

    @Test("hysteresis: re-arms only below rearmFraction · threshold")
    func rearmBelowFraction() {
        let high = Array(repeating: 5.0, count: 10)
        let values = high + Array(repeating: 0.6, count: 10) + high + Array(repeating: 0.4, count: 1) + high
        let monitor = DriftMonitor(
            LevelDetector(), DriftMonitorConfiguration(warmUpSamples: 0, cooldownSamples: 0, rearmFraction: 0.5))
        #expect(alertIndices(monitor, values) == [0, 31])
    }

    @Test("cooldown: a chattering signal alerts once per cooldown")
    func cooldown() {
        // Crosses the threshold every other sample for 300 samples, then again 1000 samples later.
        let chatter = (0..<300).map { $0 % 2 == 0 ? 5.0 : 0.0 }
        let values = chatter + Array(repeating: 0.0, count: 1000) + chatter
        let monitor = DriftMonitor(
            LevelDetector(), DriftMonitorConfiguration(warmUpSamples: 0, cooldownSamples: 400, rearmFraction: 0.5))
        #expect(alertIndices(monitor, values) == [0, 1300])
        let shortCooldown = DriftMonitor(
            LevelDetector(), DriftMonitorConfiguration(warmUpSamples: 0, cooldownSamples: 100, rearmFraction: 0.5))
        #expect(alertIndices(shortCooldown, values) == [0, 102, 204, 1300, 1402, 1504])
    }

    @Test("warm-up: no alert before warmUpSamples, the first one right after")
    func warmUp() {
        let values = Array(repeating: 5.0, count: 50)
        let monitor = DriftMonitor(
            LevelDetector(), DriftMonitorConfiguration(warmUpSamples: 20, cooldownSamples: 0, rearmFraction: nil))
        #expect(alertIndices(monitor, values).first == 20)
    }

    @Test("an alert names the detector, kind, statistic, threshold and sample index")
    func alertContents() throws {
        var monitor = DriftMonitor(LevelDetector(), Self.gatesOff)
        _ = monitor.update(0)
        let signalled = monitor.update(3)
        let alert = try #require(signalled)
        #expect(alert == DriftAlert(detector: "level", kind: .increase, statistic: 3, threshold: 1, sampleIndex: 1))
        #expect(alert.description == "level increase at sample 1: statistic 3.0 > threshold 1.0")
    }

    @Test("non-finite samples are counted but never reach the detector")
    func nonFinite() {
        var monitor = DriftMonitor(LevelDetector(), Self.gatesOff)
        let results = [monitor.update(.nan), monitor.update(.infinity)]
        #expect(results == [nil, nil])
        #expect(monitor.detector.statistic == 0)
        let alert = monitor.update(2)
        #expect(alert?.sampleIndex == 2)
    }

    @Test("one abrupt change gives exactly one alert from each real detector", arguments: UInt64(1)...10)
    func oneChangeOneAlert(seed: UInt64) {
        // 2000 stationary samples (1000 of them warm-up), then a 3σ step held for 1000 samples.
        let stream = stepStream(seed: seed, before: 2000, after: 1000, by: 3)
        let change = stream.changePoints[0]
        let policy = DriftMonitorConfiguration(warmUpSamples: 1000, cooldownSamples: 500, rearmFraction: 0.5)
        // Ungated, the anomaly score signals on every sample it stays above its threshold.
        #expect(signalIndices(AnomalyScore(), stream.values).count > 20)
        let alerts = [
            "cusum": alertIndices(DriftMonitor(CUSUMChart(), policy), stream.values),
            "adwin": alertIndices(DriftMonitor(ADWIN(), policy), stream.values),
            "anomaly-score": alertIndices(DriftMonitor(AnomalyScore(), policy), stream.values),
        ]
        for (name, indices) in alerts {
            #expect(indices.count == 1 && indices[0] >= change && indices[0] < change + 100, "\(name): \(indices)")
        }
    }

    @Test("invalid settings are named")
    func problems() {
        #expect(DriftMonitorConfiguration().problems.isEmpty)
        let bad = DriftMonitorConfiguration(warmUpSamples: -1, cooldownSamples: -2, rearmFraction: 1.5)
        #expect(bad.problems.count == 3)
        #expect(DriftMonitorConfiguration(rearmFraction: nil).problems.isEmpty)
    }
}
