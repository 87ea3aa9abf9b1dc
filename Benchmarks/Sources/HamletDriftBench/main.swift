// hamlet-drift-bench: detection delay and false alarms of each drift detector on seeded streams,
// and its cost per update (raw and behind the DriftMonitor gates), in a release build.
//
//   Benchmarks/.build/release/hamlet-drift-bench [quality] [timing]    (both when none is named)
import DriftDetection
import Foundation
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9 }

let policy = DriftMonitorConfiguration(warmUpSamples: 1000, cooldownSamples: 500, rearmFraction: 0.5)
let evaluator = DetectionEvaluator(maximumDelay: 1000)

func quality<D: DriftDetector>(_ label: String, _ make: () -> D) {
    // delay: 100 seeds, 3000 stationary then +1σ for 2000
    var delays: [Double] = []
    var missed = 0
    var falseInDelay = 0
    for seed in 1...100 as ClosedRange<UInt64> {
        let stream = LabeledStream(SyntheticStreamConfiguration(seed: seed, initialSamples: 3000, segmentSamples: 2000, changes: [.meanShift(by: 1)]))
        let r = evaluator.evaluate(DriftMonitor(make(), policy), on: stream)
        if let d = r.delays[0] { delays.append(Double(d)) } else { missed += 1 }
        falseInDelay += r.falseAlarms
    }
    let stationary = LabeledStream(SyntheticStreamConfiguration(seed: 777, initialSamples: 200_000, changes: []))
    let fa = evaluator.evaluate(DriftMonitor(make(), policy), on: stationary)
    var kindDelays: [[Int]] = [[], [], [], []]
    var kindFalse = 0
    for seed in UInt64(1)...20 {
        let r = evaluator.evaluate(DriftMonitor(make(), policy), on: LabeledStream(SyntheticStreamConfiguration(seed: seed)))
        for (i, d) in r.delays.enumerated() { if let d { kindDelays[i].append(d) } }
        kindFalse += r.falseAlarms
    }
    let kinds = kindDelays.map { "\($0.count)/20 mean \($0.isEmpty ? 0 : $0.reduce(0, +) / $0.count)" }.joined(separator: "; ") + "; false alarms \(kindFalse) in 500k"
    let mean = delays.reduce(0, +) / Double(max(delays.count, 1))
    print("\(label): 1σ step mean delay \(mean) (missed \(missed)/100, false alarms in those runs \(falseInDelay)); stationary 200k: \(fa.falseAlarms) alarms = \(fa.falseAlarmsPer10kSamples)/10k")
    print("   all kinds (step, ramp, variance, sine): \(kinds)")
}

func timing<D: DriftDetector>(_ label: String, _ make: () -> D) {
    let values = LabeledStream(SyntheticStreamConfiguration(seed: 9, initialSamples: 1_000_000, changes: [])).values
    var best = Double.infinity
    var sink = 0
    for _ in 0..<5 {
        var d = make()
        let t0 = now()
        for x in values { if d.update(x) != nil { sink += 1 } }
        best = min(best, (now() - t0) / Double(values.count) * 1e9)
    }
    var m = DriftMonitor(make(), policy)
    var bestM = Double.infinity
    for _ in 0..<5 {
        m = DriftMonitor(make(), policy)
        let t0 = now()
        for x in values { if m.update(x) != nil { sink += 1 } }
        bestM = min(bestM, (now() - t0) / Double(values.count) * 1e9)
    }
    print("\(label): \(String(format: "%.1f", best)) ns/update raw, \(String(format: "%.1f", bestM)) ns/update in DriftMonitor (signals \(sink))")
}

let args = CommandLine.arguments.dropFirst()
if args.isEmpty || args.contains("quality") {
    quality("page-hinkley (River defaults)") { PageHinkley() }
    quality("adwin (River defaults)") { ADWIN() }
    for h in [10.0] {
        quality("cusum k=0.5 h=\(h)") { CUSUMChart(CUSUMConfiguration(decisionInterval: h)) }
    }
    quality("anomaly-score (defaults)") { AnomalyScore() }
}
if args.isEmpty || args.contains("timing") {
    timing("page-hinkley") { PageHinkley() }
    timing("adwin") { ADWIN() }
    timing("cusum") { CUSUMChart() }
    timing("anomaly-score") { AnomalyScore() }
    timing("anomaly-score log") { AnomalyScore(AnomalyScoreConfiguration(scale: .logarithmic)) }
}
