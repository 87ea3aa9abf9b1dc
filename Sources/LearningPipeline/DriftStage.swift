import DriftDetection
import RealModule

/// The detectors and the anomaly score over the learner's loss, one update per learning step.
///
/// They watch log(loss): a squared error is heavy-tailed and its log is close to Gaussian, which
/// is what CUSUM's σ limits and the anomaly score's tail probability assume. Only rises of the
/// error alert: a falling error is the learner getting better, not the world changing.
/// Allocation-free per update; one thread.
public struct DriftStage {
    public private(set) var options: DriftOptions
    private var cusum: DriftMonitor<CUSUMChart>?
    private var adwin: DriftMonitor<ADWIN>?
    private var pageHinkley: DriftMonitor<PageHinkley>?
    private var anomaly: DriftMonitor<AnomalyScore>
    private let anomalyAlerts: Bool
    public private(set) var alertCount = 0
    private var warmUpSeen = 0

    public init(_ options: DriftOptions) {
        precondition(options.problems.isEmpty, options.problems.joined(separator: "; "))
        self.options = options
        let detectors = Set(options.detectors)
        var gates = options.monitor
        gates.warmUpSamples = 0
        cusum = detectors.contains(.cusum) ? DriftMonitor(CUSUMChart(options.cusum), gates) : nil
        adwin = detectors.contains(.adwin) ? DriftMonitor(ADWIN(options.adwin), gates) : nil
        pageHinkley = detectors.contains(.pageHinkley) ? DriftMonitor(PageHinkley(options.pageHinkley), gates) : nil
        anomaly = DriftMonitor(AnomalyScore(options.anomaly), gates)
        anomalyAlerts = detectors.contains(.anomalyScore)
    }

    /// Takes new detector settings (thresholds) between two updates. A detector whose settings
    /// changed starts afresh (its reference is re-estimated), because its statistic was
    /// accumulated against the old threshold; the anomaly score keeps its history and only its
    /// alert threshold can change. The warm-up already done is not repeated.
    public mutating func reconfigure(_ new: DriftOptions) {
        precondition(new.problems.isEmpty, new.problems.joined(separator: "; "))
        var gates = new.monitor
        gates.warmUpSamples = 0
        if new.cusum != options.cusum, cusum != nil { cusum = DriftMonitor(CUSUMChart(new.cusum), gates) }
        if new.adwin != options.adwin, adwin != nil { adwin = DriftMonitor(ADWIN(new.adwin), gates) }
        if new.pageHinkley != options.pageHinkley, pageHinkley != nil {
            pageHinkley = DriftMonitor(PageHinkley(new.pageHinkley), gates)
        }
        if new.anomaly.threshold != options.anomaly.threshold {
            anomaly.modifyDetector { $0.setThreshold(new.anomaly.threshold) }
        }
        options = new
    }

    /// The anomaly score in [0, 1] after the latest loss.
    public var score: Double { anomaly.detector.score }

    /// Feeds one loss (non-finite losses are counted but not learned from by the detectors)
    /// and reports each alert through `onAlert`; returns the anomaly score.
    public mutating func update(loss: Double, onAlert: (DriftAlert) -> Void) -> Double {
        warmUpSeen += 1
        guard warmUpSeen > options.monitor.warmUpSamples else { return score }
        let x = Self.logFloor.isLess(than: loss) ? Double.log(loss) : Double.log(Self.logFloor)
        let value = loss.isFinite ? x : .nan
        if let alert = cusum?.update(value) { report(alert, onAlert) }
        if let alert = adwin?.update(value) { report(alert, onAlert) }
        if let alert = pageHinkley?.update(value) { report(alert, onAlert) }
        if let alert = anomaly.update(value), anomalyAlerts { report(alert, onAlert) }
        return score
    }

    /// Losses below this (an exact forecast) are treated as this, so the log stays finite.
    static let logFloor = 1e-12

    /// Everything the detectors have learned, for a checkpoint: the warm-up done, the alerts
    /// counted, which detectors run, then each one's gates and state.
    public var savedState: SavedState {
        var state = SavedState()
        state.append(warmUpSeen)
        state.append(alertCount)
        state.append(cusum != nil)
        state.append(adwin != nil)
        state.append(pageHinkley != nil)
        cusum?.save(to: &state)
        adwin?.save(to: &state)
        pageHinkley?.save(to: &state)
        anomaly.save(to: &state)
        return state
    }

    /// Takes back `savedState` of the same detectors (their thresholds may differ: a changed
    /// threshold applies from the next sample on). Nothing changes when it throws.
    public mutating func restore(_ state: SavedState) throws(SavedStateError) {
        var reader = SavedStateReader(state)
        var restored = self
        restored.warmUpSeen = try reader.int()
        restored.alertCount = try reader.int()
        let saved = [try reader.bool(), try reader.bool(), try reader.bool()]
        let running = [cusum != nil, adwin != nil, pageHinkley != nil]
        guard saved == running else {
            let names = { (flags: [Bool]) in zip(["cusum", "adwin", "page-hinkley"], flags).filter(\.1).map(\.0).joined(separator: ", ") }
            throw .otherSettings("detectors [\(names(saved))], now [\(names(running))]")
        }
        try restored.cusum?.load(from: &reader)
        try restored.adwin?.load(from: &reader)
        try restored.pageHinkley?.load(from: &reader)
        try restored.anomaly.load(from: &reader)
        try reader.finish()
        self = restored
    }

    private mutating func report(_ alert: DriftAlert, _ onAlert: (DriftAlert) -> Void) {
        guard alert.kind != .decrease else { return }
        alertCount += 1
        onAlert(alert)
    }
}
