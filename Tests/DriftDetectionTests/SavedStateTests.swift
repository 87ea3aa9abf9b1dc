import DriftDetection
import Testing

/// Each detector's checkpoint state: saved part-way through a stream with a change and loaded
/// into a fresh detector of the same settings, it goes on exactly as the uninterrupted one (the
/// same alerts at the same samples, the same state at the end); a state of other settings or a
/// damaged one is refused.
@Suite struct SavedStateTests {
    /// 3,000 N(0, 1) samples, then 3,000 shifted by 2σ; interrupted at `cut`.
    static let stream = stepStream(seed: 11, before: 3_000, after: 3_000, by: 2).values

    /// Runs `monitor` through the stream twice, once whole and once saved at `cut` and loaded into
    /// `fresh`; returns both alert index lists and both final states.
    static func resumed<D: DriftDetector & SavedStateRepresentable>(
        _ monitor: DriftMonitor<D>, fresh: DriftMonitor<D>, cut: Int
    ) throws -> (whole: [Int], resumed: [Int], wholeState: SavedState, resumedState: SavedState) {
        var whole = monitor
        let wholeAlerts = stream.compactMap { whole.update($0)?.sampleIndex }
        var first = monitor
        var alerts = stream[..<cut].compactMap { first.update($0)?.sampleIndex }
        var state = SavedState()
        first.save(to: &state)
        var second = fresh
        var reader = SavedStateReader(state)
        try second.load(from: &reader)
        try reader.finish()
        alerts += stream[cut...].compactMap { second.update($0)?.sampleIndex }
        var wholeState = SavedState(), resumedState = SavedState()
        whole.save(to: &wholeState)
        second.save(to: &resumedState)
        return (wholeAlerts, alerts, wholeState, resumedState)
    }

    static let gates = DriftMonitorConfiguration(warmUpSamples: 500, cooldownSamples: 300)

    @Test(arguments: [1, 1_000, 2_999, 3_050, 4_500])
    func everyDetectorResumesExactly(cut: Int) throws {
        let cusum = try Self.resumed(DriftMonitor(CUSUMChart(), Self.gates), fresh: DriftMonitor(CUSUMChart(), Self.gates), cut: cut)
        let adwin = try Self.resumed(DriftMonitor(ADWIN(), Self.gates), fresh: DriftMonitor(ADWIN(), Self.gates), cut: cut)
        let pageHinkley = try Self.resumed(
            DriftMonitor(PageHinkley(), Self.gates), fresh: DriftMonitor(PageHinkley(), Self.gates), cut: cut)
        let anomaly = try Self.resumed(
            DriftMonitor(AnomalyScore(), Self.gates), fresh: DriftMonitor(AnomalyScore(), Self.gates), cut: cut)
        for (name, run) in [("cusum", cusum), ("adwin", adwin), ("page-hinkley", pageHinkley), ("anomaly", anomaly)] {
            #expect(!run.whole.isEmpty, "\(name) never alerts on a 2σ shift: the comparison would prove nothing")
            #expect(run.resumed == run.whole, "\(name) cut at \(cut)")
            #expect(run.resumedState == run.wholeState, "\(name) cut at \(cut)")
        }
    }

    @Test func aFreshDetectorIsColdAndTheRestoredOneIsNot() throws {
        // Without the state, the second half of a run starts its warm-up again and misses the change.
        var monitor = DriftMonitor(CUSUMChart(), Self.gates)
        for x in Self.stream[..<2_900] { _ = monitor.update(x) }
        var state = SavedState()
        monitor.save(to: &state)
        var restored = DriftMonitor(CUSUMChart(), Self.gates)
        var reader = SavedStateReader(state)
        try restored.load(from: &reader)
        #expect(restored.sampleCount == 2_900 && restored.detector.reference != nil)
        var cold = DriftMonitor(CUSUMChart(), Self.gates)
        #expect(Self.stream[2_900..<3_400].allSatisfy { cold.update($0) == nil }, "a fresh monitor is still warming up")
        var warm = restored
        #expect(Self.stream[2_900..<3_400].contains { warm.update($0) != nil }, "the warm detector sees the change within 400 samples")
    }

    @Test func damagedOrForeignStatesAreRefused() throws {
        var adwin = ADWIN()
        for x in Self.stream[..<2_000] { _ = adwin.update(x) }
        var state = SavedState()
        adwin.save(to: &state)
        var shorter = SavedStateReader(SavedState(values: Array(state.values.dropLast())))
        var target = ADWIN()
        #expect(throws: SavedStateError.self) { try target.load(from: &shorter) }
        // A histogram row count out of range (index 6: after four sums, the tick and the flag).
        var bad = state.values
        bad[6] = 1_000
        var badReader = SavedStateReader(SavedState(values: bad))
        #expect(throws: SavedStateError.badCount(1_000)) { try target.load(from: &badReader) }
        // A CUSUM still estimating its reference, loaded where the reference takes fewer samples.
        var slow = CUSUMChart(CUSUMConfiguration(referenceSamples: 200))
        for x in Self.stream[..<150] { _ = slow.update(x) }
        var cusumState = SavedState()
        slow.save(to: &cusumState)
        var fast = CUSUMChart(CUSUMConfiguration(referenceSamples: 100))
        var cusumReader = SavedStateReader(cusumState)
        #expect(throws: SavedStateError.self) { try fast.load(from: &cusumReader) }
    }
}
