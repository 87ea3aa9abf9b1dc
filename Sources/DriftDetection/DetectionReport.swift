/// How well alerts matched the known change points of one stream.
public struct DetectionReport: Sendable, Equatable, CustomStringConvertible {
    public var sampleCount: Int
    public var changePoints: [Int]
    /// Per change point: samples from the change to its first attributed alert, or nil if missed.
    public var delays: [Int?]
    /// Alerts not attributed to any change (including repeats after a change's first alert).
    public var falseAlarms: Int
    /// The longest delay that still counts as a detection.
    public var maximumDelay: Int

    public init(sampleCount: Int, changePoints: [Int], delays: [Int?], falseAlarms: Int, maximumDelay: Int) {
        (self.sampleCount, self.changePoints, self.delays) = (sampleCount, changePoints, delays)
        (self.falseAlarms, self.maximumDelay) = (falseAlarms, maximumDelay)
    }

    public var detectedCount: Int { delays.count { $0 != nil } }
    public var missedCount: Int { delays.count { $0 == nil } }
    /// Mean delay over the detected changes; nil if none was detected.
    public var meanDelay: Double? {
        let found = delays.compactMap { $0 }
        return found.isEmpty ? nil : Double(found.reduce(0, +)) / Double(found.count)
    }
    /// False alarms per 10,000 samples of the whole stream.
    public var falseAlarmsPer10kSamples: Double {
        sampleCount == 0 ? 0 : Double(falseAlarms) * 10_000 / Double(sampleCount)
    }

    public var description: String {
        let delayText = delays.map { $0.map(String.init) ?? "missed" }.joined(separator: ", ")
        let mean = meanDelay.map { String(Int($0.rounded())) } ?? "–"
        let rate = (falseAlarmsPer10kSamples * 100).rounded() / 100
        return "\(detectedCount)/\(changePoints.count) changes detected (delays: \(delayText); mean \(mean) samples; "
            + "max \(maximumDelay)), \(falseAlarms) false alarms in \(sampleCount) samples (\(rate) per 10,000)"
    }
}
