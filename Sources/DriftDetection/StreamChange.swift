/// One change in a synthetic stream; its effect lasts from its change point to the end.
public enum StreamChange: Sendable, Equatable {
    /// The mean jumps by `by` (in units of the base standard deviation) at the change point.
    case meanShift(by: Double)
    /// The mean moves linearly by `by` (base σ units) over `overSamples` samples, then stays.
    case meanRamp(by: Double, overSamples: Int)
    /// The noise's standard deviation is multiplied by `factor`.
    case varianceScale(factor: Double)
    /// A sine of `amplitude` (base σ units) and period `periodSamples` is added, starting at phase 0.
    case periodic(amplitude: Double, periodSamples: Double)
}
