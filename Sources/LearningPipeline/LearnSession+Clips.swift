import JSONText
import StreamFeatures

/// Sensor values outside their channel's sane range (`InputScreen`): counted, and each reported
/// with the reason, to `onInputClipped` (the agent: the errors topic) or as a warning (`hamlet learn`).
extension LearnSession {
    /// Warnings of one kind (clipped values, learner faults) logged before they are only counted.
    static let warningLimit = 10

    /// Sends each clipped value's reason to the sinks as rejected input of its channel's topic
    /// (a sensor slot's filter), as a malformed payload of that topic is reported.
    public func reportClips(asRejectionsOf topics: [String]) {
        onInputClipped = { [unowned self] channel, reason in output.rejected(InputRejection(topic: topics[channel], reason: reason)) }
    }

    func reportClips(index: Int) {
        guard let clips = scoring?.clips, !clips.isEmpty else { return }
        for clip in clips {
            summary.clippedValues += 1
            let column = mapping.inputNames[clip.channel]
            let range = "\(JSONText.readableNumber(clip.location)) ± \(JSONText.readableNumber(InputScreen.halfWidth(scale: clip.scale)))"
            let reason =
                clip.clippedTo.isNaN
                ? "\(Self.shown(clip.value)) among the first values of \(JSONText.string(column)) is outside the sane range of "
                    + "the others, \(range) (10⁶ times their spread around their median, and at least 10⁹); left out of its normalisation"
                : "\(Self.shown(clip.value)) is outside the sane range of \(JSONText.string(column)), "
                    + "\(JSONText.readableNumber(clip.location)) ± \(JSONText.readableNumber(abs(clip.clippedTo - clip.location))) "
                    + "(10⁶ times its scale, and at least 10⁹); learned as \(JSONText.readableNumber(clip.clippedTo))"
            if let onInputClipped {
                onInputClipped(clip.channel, reason)
            } else if summary.clippedValues <= Self.warningLimit {
                logger.warning("\(reader.positionName) \(index): \(reason)")
                if summary.clippedValues == Self.warningLimit { logger.warning("further clipped values are only counted") }
            }
        }
    }

    /// A value as its sender wrote it: a Float from an MQTT payload in Float's shortest digits, not Double's.
    private static func shown(_ value: Double) -> String {
        Float(exactly: value).map { "\($0)" } ?? JSONText.readableNumber(value)
    }
}
