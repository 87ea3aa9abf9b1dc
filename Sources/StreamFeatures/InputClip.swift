/// One sensor value outside its channel's sane range: which channel, what came, what was learned
/// from (`clippedTo`; NaN when `WarmUpScreen` dropped it from the first records' moments).
public struct InputClip: Sendable, Equatable {
    public var channel: Int
    public var value: Double
    public var clippedTo: Double
    /// The channel's location and scale that the range was judged by.
    public var location: Double
    public var scale: Double
}
