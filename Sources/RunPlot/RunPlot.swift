/// Everything one picture shows, in data units: panels over a shared step axis, alerts and labelled windows.
public struct RunPlot: Sendable {
    public var title: String
    public var panels: [PlotPanel]
    public var steps: ClosedRange<Double>
    public var alertSteps: [Double]
    public var windows: [ClosedRange<Double>]
    /// Each record's step and time when the input has timestamps; the x-axis is labelled with them.
    public var timeline: [(step: Int, time: Double)]?

    public init(
        title: String, panels: [PlotPanel], steps: ClosedRange<Double>, alertSteps: [Double] = [],
        windows: [ClosedRange<Double>] = [], timeline: [(step: Int, time: Double)]? = nil
    ) {
        (self.title, self.panels, self.steps, self.alertSteps) = (title, panels, steps, alertSteps)
        (self.windows, self.timeline) = (windows, timeline)
    }
}
