/// Scores alerts against known change points: detection delay, misses and false alarms.
///
/// The first alert at or after change point c, before the next change point and at most
/// `maximumDelay` samples after c, detects that change; its delay is the alert's index − c. Every
/// other alert is a false alarm. Runs on any thread; allocates per call (not for the hot loop).
public struct DetectionEvaluator: Sendable, Equatable {
    public var maximumDelay: Int

    public init(maximumDelay: Int = 1000) {
        precondition(maximumDelay >= 0, "DetectionEvaluator needs maximumDelay ≥ 0, got \(maximumDelay)")
        self.maximumDelay = maximumDelay
    }

    /// The report for ascending alert indices over a stream of `sampleCount` samples.
    public func report(alerts: [Int], changePoints: [Int], sampleCount: Int) -> DetectionReport {
        var delays: [Int?] = []
        var attributed = 0
        for (j, change) in changePoints.enumerated() {
            let end = min(change + maximumDelay + 1, j + 1 < changePoints.count ? changePoints[j + 1] : sampleCount)
            let first = alerts.first { $0 >= change && $0 < end }
            delays.append(first.map { $0 - change })
            if first != nil { attributed += 1 }
        }
        return DetectionReport(
            sampleCount: sampleCount, changePoints: changePoints, delays: delays,
            falseAlarms: alerts.count - attributed, maximumDelay: maximumDelay)
    }

    /// Runs a copy of `monitor` over `stream` and reports its alerts.
    public func evaluate<Detector>(_ monitor: DriftMonitor<Detector>, on stream: LabeledStream) -> DetectionReport {
        var monitor = monitor
        var alerts: [Int] = []
        for x in stream.values {
            if let alert = monitor.update(x) { alerts.append(alert.sampleIndex) }
        }
        return report(alerts: alerts, changePoints: stream.changePoints, sampleCount: stream.values.count)
    }

    /// Runs a copy of `detector` over `stream`, every signal counting as an alert (no gating).
    public func evaluate<Detector: DriftDetector>(_ detector: Detector, on stream: LabeledStream) -> DetectionReport {
        var detector = detector
        var alerts: [Int] = []
        for (index, x) in stream.values.enumerated() where detector.update(x) != nil { alerts.append(index) }
        return report(alerts: alerts, changePoints: stream.changePoints, sampleCount: stream.values.count)
    }
}
