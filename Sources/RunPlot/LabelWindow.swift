/// One labelled anomaly window, from its start to its end time (seconds since 1970, both inclusive).
public struct LabelWindow: Equatable, Sendable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    /// The steps of the first and last record whose time falls in the window; nil when none does.
    /// `timeline` pairs each record's step with its time, in step order.
    public func steps(on timeline: [(step: Int, time: Double)]) -> ClosedRange<Int>? {
        var first: Int?
        var last: Int?
        for entry in timeline where entry.time >= start && entry.time <= end {
            if first == nil { first = entry.step }
            last = entry.step
        }
        guard let first, let last else { return nil }
        return first...last
    }
}
