/// What the user chose to see; everything else comes from the data.
public struct PlotOptions: Sendable {
    public var title: String?
    public var showPrediction = true
    /// The prediction index to draw; nil takes the input channel's learned index.
    public var predictionChannel: Int?
    /// nil takes the anomaly-score alerts' threshold, else `fallbackThreshold`.
    public var threshold: Double?
    /// The threshold line of a run without anomaly-score alerts: the caller passes the agent's default.
    public var fallbackThreshold: Double
    public var maxPointsPerSeries = 4000

    public init(
        title: String? = nil, showPrediction: Bool = true, predictionChannel: Int? = nil, threshold: Double? = nil,
        fallbackThreshold: Double = 0.5
    ) {
        (self.title, self.showPrediction, self.predictionChannel) = (title, showPrediction, predictionChannel)
        (self.threshold, self.fallbackThreshold) = (threshold, fallbackThreshold)
    }
}
