/// The sane range of a sensor channel's values: the one rule applied to every sensor value, from
/// MQTT or from a file, before it reaches the normalisation, the seasonal profiles and the learner.
///
/// Once a channel has a location m and a scale s (`RobustScaler`, with its floor), its sane range
/// is m ± `scales`·max(s, 1): never narrower than ±10⁶ in the sensor's own units, so that a
/// channel that sat at one value (a scale near 0) can still move. A value beyond it can only be a fault (a unit error, a broken sensor, a
/// hostile message): clipped to the edge it still reads as the anomaly it is (1e6 scales is far
/// beyond the ±20 the learner sees), but it cannot drag the running location, the profiles or the
/// forecasts by orders of magnitude. A channel's first value has no range to be judged by, and a
/// clipped value among a channel's first records still pulls its plain running mean (see
/// `RobustScaler.exactSamples`) by up to 10⁶/n for a while.
public enum InputScreen {
    /// The sane range's half-width in scales.
    public static let scales = 1e6

    /// `value` clipped into channel `c`'s sane range, or nil when it is inside (or the channel has no
    /// value yet, or `value` is not finite, which the normalisation already skips). Allocation-free.
    public static func clip(_ value: Double, by scaler: RobustScaler, channel c: Int) -> InputClip? {
        guard scaler.count > 0, value.isFinite else { return nil }
        let location = scaler.location(c)
        let scale = scaler.scale(c)
        let halfWidth = scales * max(scale, 1)
        guard abs(value - location) > halfWidth else { return nil }
        let edge = value > location ? location + halfWidth : location - halfWidth
        return InputClip(channel: c, value: value, clippedTo: edge, location: location, scale: scale)
    }
}
