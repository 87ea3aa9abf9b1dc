import DriftDetection
import Testing

/// On the seeded generator, behind the default monitor (warm-up 1000, cooldown 500, re-arm at
/// half the threshold): a one-σ step is caught within 100 samples on average, and a stationary
/// stream raises at most one false alarm per 10,000 samples. Shown for CUSUM (k = 0.5, h = 10,
/// 1000 reference samples) and ADWIN (River's defaults).
@Suite struct DetectionQualityTests {
    static let policy = DriftMonitorConfiguration(warmUpSamples: 1000, cooldownSamples: 500, rearmFraction: 0.5)
    static let evaluator = DetectionEvaluator(maximumDelay: 1000)

    enum Configured: String, CaseIterable, CustomTestStringConvertible {
        case cusum, adwin
        var testDescription: String { rawValue }

        func report(on stream: LabeledStream) -> DetectionReport {
            switch self {
            case .cusum: evaluator.evaluate(DriftMonitor(CUSUMChart(), policy), on: stream)
            case .adwin: evaluator.evaluate(DriftMonitor(ADWIN(), policy), on: stream)
            }
        }
    }

    @Test("a one-σ step is detected within 100 samples on average over 100 seeds", arguments: Configured.allCases)
    func oneSigmaDelay(detector: Configured) {
        var delays: [Int] = []
        var missed = 0
        for seed in UInt64(1001)...1100 {
            let stream = stepStream(seed: seed, before: 3000, after: 2000, by: 1)
            let report = detector.report(on: stream)
            if let delay = report.delays[0] { delays.append(delay) } else { missed += 1 }
        }
        let meanDelay = Double(delays.reduce(0, +)) / Double(max(delays.count, 1))
        #expect(missed <= 2, "missed \(missed) of 100")
        #expect(meanDelay <= 100, "mean delay \(meanDelay)")
    }

    @Test("at most one false alarm per 10,000 stationary samples (200,000 samples)", arguments: Configured.allCases)
    func falseAlarms(detector: Configured) {
        let stream = LabeledStream(SyntheticStreamConfiguration(seed: 2024, initialSamples: 200_000, changes: []))
        let report = detector.report(on: stream)
        #expect(report.falseAlarmsPer10kSamples <= 1, "\(report)")
    }
}
