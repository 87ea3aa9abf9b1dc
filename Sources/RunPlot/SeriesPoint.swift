/// One point of a plotted series: x is the record's step, y its value.
public struct SeriesPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
