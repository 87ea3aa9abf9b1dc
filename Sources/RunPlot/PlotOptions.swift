/// What the user chose to see; everything else comes from the data.
public struct PlotOptions: Sendable {
    public var title: String?
    public var showPrediction = true
    /// The prediction index to draw; nil takes the input channel's learned index.
    public var predictionChannel: Int?
    /// nil takes the anomaly-score alerts' threshold, else `defaultThreshold`.
    public var threshold: Double?
    public var maxPointsPerSeries = 4000

    public static let defaultThreshold = 0.9999

    public init(title: String? = nil, showPrediction: Bool = true, predictionChannel: Int? = nil, threshold: Double? = nil) {
        self.title = title
        self.showPrediction = showPrediction
        self.predictionChannel = predictionChannel
        self.threshold = threshold
    }
}
