/// One line in a panel, with its legend name and colour.
public struct PlotSeries: Sendable {
    public var name: String
    public var color: String
    public var points: [SeriesPoint]

    public init(name: String, color: String, points: [SeriesPoint]) {
        (self.name, self.color, self.points) = (name, color, points)
    }
}

/// One stacked panel: lines on the left y-scale, optionally lines on their own right-hand scale,
/// and an optional horizontal threshold.
public struct PlotPanel: Sendable {
    public var title: String
    /// In legend order; drawn in reverse, so the first is on top.
    public var series: [PlotSeries]
    /// Lines in other units (a prediction in normalised units) get their own scale instead of flattening the others.
    public var rightSeries: [PlotSeries] = []
    /// A fixed y-range (the score's [0, 1]); nil fits the data.
    public var yRange: ClosedRange<Double>?
    public var threshold: Double?

    public init(title: String, series: [PlotSeries], rightSeries: [PlotSeries] = [], yRange: ClosedRange<Double>? = nil,
        threshold: Double? = nil)
    {
        self.title = title
        self.series = series
        self.rightSeries = rightSeries
        self.yRange = yRange
        self.threshold = threshold
    }
}
