import DriftDetection
import Testing

/// The seeded generator puts each kind of change where it says, and the same seed gives the same stream.
@Suite struct SyntheticStreamTests {
    static func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(values.count) }
    static func sd(_ values: ArraySlice<Double>) -> Double {
        let m = mean(values)
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    @Test("a seed fixes the stream; another seed changes it")
    func reproducible() {
        let a = LabeledStream(SyntheticStreamConfiguration(seed: 1))
        #expect(a == LabeledStream(SyntheticStreamConfiguration(seed: 1)))
        #expect(a.values != LabeledStream(SyntheticStreamConfiguration(seed: 2)).values)
    }

    @Test("change points follow the segments, and each segment has the promised shape")
    func changes() {
        let stream = LabeledStream(
            SyntheticStreamConfiguration(
                seed: 7, mean: 10, standardDeviation: 2, initialSamples: 20_000, segmentSamples: 20_000))
        #expect(stream.changePoints == [20_000, 40_000, 60_000, 80_000])
        #expect(stream.values.count == 100_000)
        let v = stream.values
        #expect(abs(Self.mean(v[0..<20_000]) - 10) < 0.05)
        #expect(abs(Self.sd(v[0..<20_000]) - 2) < 0.05)
        // +1σ step.
        #expect(abs(Self.mean(v[20_000..<40_000]) - 12) < 0.05)
        // Ramp of +2σ over 1000 samples, then flat at 16.
        #expect(abs(Self.mean(v[40_000..<40_100]) - 12.2) < 0.5)
        #expect(abs(Self.mean(v[41_000..<60_000]) - 16) < 0.05)
        // σ doubled.
        #expect(abs(Self.sd(v[60_000..<80_000]) - 4) < 0.1)
        // A period-100 sine of amplitude 2σ = 4: averages out over whole periods, and shows at its peaks.
        #expect(abs(Self.mean(v[80_000..<100_000]) - 16) < 0.1)
        let peaks = stride(from: 80_025, to: 100_000, by: 100).map { v[$0] }
        #expect(abs(Self.mean(peaks[...]) - 20) < 0.5)
    }

    @Test("a stream without changes is one stationary segment")
    func stationary() {
        let stream = LabeledStream(SyntheticStreamConfiguration(seed: 3, initialSamples: 1234, changes: []))
        #expect(stream.values.count == 1234 && stream.changePoints.isEmpty)
    }

    @Test("invalid settings are named")
    func problems() {
        let bad = SyntheticStreamConfiguration(
            seed: 0, standardDeviation: -1, initialSamples: -1, segmentSamples: 0,
            changes: [
                .meanRamp(by: 1, overSamples: 0), .varianceScale(factor: -1), .periodic(amplitude: 1, periodSamples: 0),
            ])
        #expect(bad.problems.count == 6)
    }
}

/// The evaluator attributes the first alert after each change and counts the rest as false alarms.
@Suite struct DetectionEvaluatorTests {
    @Test("delays, misses and false alarms on hand-placed alerts")
    func attribution() {
        let evaluator = DetectionEvaluator(maximumDelay: 100)
        // Changes at 1000, 2000, 3000 in 10,000 samples.
        let report = evaluator.report(
            alerts: [500, 1000, 1050, 2101, 3040, 3999, 9000], changePoints: [1000, 2000, 3000], sampleCount: 10_000)
        #expect(report.delays == [0, nil, 40])
        #expect(report.detectedCount == 2 && report.missedCount == 1)
        #expect(report.falseAlarms == 5)
        #expect(report.meanDelay == 20)
        #expect(report.falseAlarmsPer10kSamples == 5)
        #expect(
            report.description
                == "2/3 changes detected (delays: 0, missed, 40; mean 20 samples; max 100), "
                + "5 false alarms in 10000 samples (5.0 per 10,000)")
    }

    @Test("an alert belongs to the latest change before it, never to an earlier one")
    func nextChangeCloses() {
        let report = DetectionEvaluator(maximumDelay: 1000).report(
            alerts: [1500], changePoints: [1000, 1400], sampleCount: 3000)
        #expect(report.delays == [nil, 100])
        #expect(report.falseAlarms == 0)
    }

    @Test("a detector run reports the same as its alert indices")
    func runsDetectors() {
        let stream = LabeledStream(SyntheticStreamConfiguration(seed: 4, initialSamples: 3000, segmentSamples: 3000))
        let evaluator = DetectionEvaluator()
        let monitor = DriftMonitor(CUSUMChart())
        let viaMonitor = evaluator.evaluate(monitor, on: stream)
        let (changes, count) = (stream.changePoints, stream.values.count)
        let monitorAlerts = alertIndices(monitor, stream.values)
        let chartSignals = signalIndices(CUSUMChart(), stream.values)
        #expect(viaMonitor == evaluator.report(alerts: monitorAlerts, changePoints: changes, sampleCount: count))
        let viaDetector = evaluator.evaluate(CUSUMChart(), on: stream)
        #expect(viaDetector == evaluator.report(alerts: chartSignals, changePoints: changes, sampleCount: count))
        #expect(viaMonitor.detectedCount >= 3)
    }
}
