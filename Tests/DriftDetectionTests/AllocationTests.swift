import CAllocationCounter
import DriftDetection
import Testing

/// `update` allocates nothing once a detector (or monitor, or anomaly score) exists, detections and
/// resets included.
@Suite struct AllocationTests {
    /// 60,000 samples with a step, a ramp, a variance change and a sine: every detector fires and resets.
    static let stream = LabeledStream(
        SyntheticStreamConfiguration(seed: 31, initialSamples: 20_000, segmentSamples: 10_000)
    ).values

    @Test("the counter is live in this test process")
    func counterWorks() {
        #expect(hamlet_allocation_counting_available() != 0)
        hamlet_allocation_counting_begin()
        let arrays = (0..<10).map { [$0] }
        #expect(hamlet_allocation_counting_end() >= 10)
        #expect(arrays.count == 10)
    }

    /// Allocations made by a fresh detector over the stream once built, and how many samples it
    /// signalled on. Built here rather than passed in: a copy shares its storage until its first
    /// mutation. The same run is made once before, uncounted, because an unoptimised build has the
    /// Swift runtime build some type metadata lazily, once per process (optimised builds allocate
    /// nothing even the first time).
    func allocations<Detector: DriftDetector>(_ make: () -> Detector) -> (allocations: Int64, signals: Int) {
        _ = countedRun(make())
        return countedRun(make())
    }

    func allocations<Detector>(_ make: () -> DriftMonitor<Detector>) -> (allocations: Int64, alerts: Int) {
        _ = countedRun(make())
        return countedRun(make())
    }

    func countedRun<Detector: DriftDetector>(_ detector: consuming Detector) -> (allocations: Int64, signals: Int) {
        var detector = detector
        var signals = 0
        Self.stream.withUnsafeBufferPointer { values in
            hamlet_allocation_counting_begin()
            for x in values where detector.update(x) != nil { signals += 1 }
        }
        return (hamlet_allocation_counting_end(), signals)
    }

    func countedRun<Detector>(_ monitor: consuming DriftMonitor<Detector>) -> (allocations: Int64, alerts: Int) {
        var monitor = monitor
        var alerts = 0
        Self.stream.withUnsafeBufferPointer { values in
            hamlet_allocation_counting_begin()
            for x in values where monitor.update(x) != nil { alerts += 1 }
        }
        return (hamlet_allocation_counting_end(), alerts)
    }

    @Test("Page-Hinkley allocates nothing")
    func pageHinkley() {
        let raw = allocations { PageHinkley() }
        #expect(raw.allocations == 0 && raw.signals > 0, "\(raw)")
        let monitored = allocations { DriftMonitor(PageHinkley()) }
        #expect(monitored.allocations == 0 && monitored.alerts > 0, "\(monitored)")
    }

    @Test("ADWIN allocates nothing, growing and dropping bucket rows")
    func adwin() {
        let raw = allocations { ADWIN() }
        #expect(raw.allocations == 0 && raw.signals > 0, "\(raw)")
        let eager = allocations { ADWIN(ADWINConfiguration(clock: 1, maximumBuckets: 2)) }
        #expect(eager.allocations == 0 && eager.signals > 0, "\(eager)")
        let monitored = allocations { DriftMonitor(ADWIN()) }
        #expect(monitored.allocations == 0 && monitored.alerts > 0, "\(monitored)")
    }

    @Test("CUSUM allocates nothing")
    func cusum() {
        let raw = allocations { CUSUMChart() }
        #expect(raw.allocations == 0 && raw.signals > 0, "\(raw)")
        let monitored = allocations { DriftMonitor(CUSUMChart()) }
        #expect(monitored.allocations == 0 && monitored.alerts > 0, "\(monitored)")
    }

    @Test("the anomaly score allocates nothing", arguments: AnomalyScoreConfiguration.Scale.allCases)
    func anomalyScore(scale: AnomalyScoreConfiguration.Scale) {
        let raw = allocations { AnomalyScore(AnomalyScoreConfiguration(scale: scale)) }
        #expect(raw.allocations == 0 && raw.signals > 0, "\(raw)")
        let monitored = allocations { DriftMonitor(AnomalyScore(AnomalyScoreConfiguration(scale: scale))) }
        #expect(monitored.allocations == 0 && monitored.alerts > 0, "\(monitored)")
    }
}
