/// The sane range of a sensor channel's values: the one rule applied to every sensor value, from
/// MQTT or from a file, before it reaches the normalisation, the seasonal profiles and the learner.
///
/// Once a channel has a location m and a scale s (`RobustScaler`, with its floor), its sane range
/// is m ± `scales`·max(s, `minimumScale`): never narrower than ±10⁹ in the sensor's own units, so
/// that a channel that sat at one value (a scale near 0) can still move, as a byte counter does
/// from 0 to 10⁸ (NAB's AWS streams). A value beyond it can only be a fault (a unit error, a broken sensor, a
/// hostile message): clipped to the edge it still reads as the anomaly it is (1e6 scales is far
/// beyond the ±20 the learner sees), but it cannot drag the running location, the profiles or the
/// forecasts by orders of magnitude. A channel's first value has no range to be judged by, and a
/// clipped value among a channel's first records still pulls its plain running mean (see
/// `RobustScaler.exactSamples`) until `WarmUpScreen` judges them.
public enum InputScreen {
    /// The sane range's half-width in scales.
    public static let scales = 1e6
    /// The smallest scale the range is measured in, in the sensor's units.
    public static let minimumScale = 1e3

    /// The sane range's half-width for a channel of scale `scale`.
    public static func halfWidth(scale: Double) -> Double { scales * max(scale, minimumScale) }

    /// `value` clipped into channel `c`'s sane range, or nil when it is inside (or the channel has no
    /// value yet, or `value` is not finite, which the normalisation already skips). Allocation-free.
    public static func clip(_ value: Double, by scaler: RobustScaler, channel c: Int) -> InputClip? {
        guard scaler.count > 0, value.isFinite else { return nil }
        let location = scaler.location(c)
        let scale = scaler.scale(c)
        let halfWidth = halfWidth(scale: scale)
        guard abs(value - location) > halfWidth else { return nil }
        let edge = value > location ? location + halfWidth : location - halfWidth
        return InputClip(channel: c, value: value, clippedTo: edge, location: location, scale: scale)
    }
}
