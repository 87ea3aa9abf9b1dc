/// A detector behind three gates, so that one change gives one alert: warm-up, cooldown, hysteresis.
///
/// Every finite sample reaches the detector; a signal becomes an alert only if the sample index is
/// past the warm-up, more than `cooldownSamples` after the previous alert, and the monitor is armed.
/// With hysteresis on, an alert disarms it; it re-arms at the first later sample whose statistic
/// is below `rearmFraction · threshold`. Non-finite samples are counted but not fed to the detector.
/// Allocates nothing per update; one thread at a time.
public struct DriftMonitor<Detector: DriftDetector>: Sendable {
    public let configuration: DriftMonitorConfiguration
    public private(set) var detector: Detector
    /// Samples given to `update` so far; the next sample's index.
    public private(set) var sampleCount = 0
    /// The index of the latest alert, if any.
    public private(set) var lastAlertIndex: Int?
    /// Whether the hysteresis gate is open.
    public private(set) var isArmed = true

    /// Lets a caller adjust the detector in place (e.g. a threshold) between two updates.
    public mutating func modifyDetector(_ body: (inout Detector) -> Void) { body(&detector) }

    public init(_ detector: Detector, _ configuration: DriftMonitorConfiguration = DriftMonitorConfiguration()) {
        precondition(configuration.problems.isEmpty, "DriftMonitor: \(configuration.problems.joined(separator: "; "))")
        self.detector = detector
        self.configuration = configuration
    }

    /// Feeds one sample to the detector; returns an alert when its signal passes every gate.
    public mutating func update(_ x: Double) -> DriftAlert? {
        let index = sampleCount
        sampleCount += 1
        guard x.isFinite else { return nil }
        let signal = detector.update(x)
        if !isArmed, let fraction = configuration.rearmFraction, detector.statistic < fraction * detector.threshold {
            isArmed = true
        }
        guard let signal, isArmed, index >= configuration.warmUpSamples else { return nil }
        if let last = lastAlertIndex, index - last <= configuration.cooldownSamples { return nil }
        isArmed = configuration.rearmFraction == nil  // without hysteresis it never disarms
        lastAlertIndex = index
        return DriftAlert(
            detector: detector.name, kind: signal.kind, statistic: signal.statistic, threshold: signal.threshold,
            sampleIndex: index)
    }
}

extension DriftMonitor: SavedStateRepresentable where Detector: SavedStateRepresentable {
    /// The gates' state, then the detector's.
    public func save(to state: inout SavedState) {
        state.append(sampleCount)
        state.append(lastAlertIndex != nil)
        state.append(lastAlertIndex ?? 0)
        state.append(isArmed)
        detector.save(to: &state)
    }

    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        sampleCount = try reader.int()
        let hasAlert = try reader.bool()
        let lastAlert = try reader.int()
        lastAlertIndex = hasAlert ? lastAlert : nil
        isArmed = try reader.bool()
        try detector.load(from: &reader)
    }
}
