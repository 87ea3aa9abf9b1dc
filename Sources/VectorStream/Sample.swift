/// One step of a stream as it crosses the pipeline, whatever its source (a line of CSV or JSON,
/// the features of an audio frame, an MQTT or synthetic tick): where its source counts it, when
/// it was taken, and its values.
///
/// The values stay `Double`, in the sensor's units, up to the learner's input: the causal
/// normalisation and the anomaly score work on the raw values (a sensor reading 10⁶ ± 0.1 keeps
/// its variation, which `Float`'s 24 bits would round away), and the learner's `Float` input is
/// made from them once they are normalised.
public struct Sample: Sendable, Equatable {
    /// Its place in its source, counted as the source counts (`RecordSource.positionName`): the
    /// 1-based physical line of a file (blank lines included), the frame of audio, the tick of an
    /// MQTT or synthetic stream.
    public var position: Int
    /// One value per column; NaN for the columns the reader was told not to parse and for the timestamp column.
    public var values: [Double]
    /// Seconds since the Unix epoch (UTC): from the reader's timestamp column, a payload's time
    /// field or the arrival time; nil when the source has none.
    public var time: Double?

    public init(position: Int, values: [Double], time: Double? = nil) {
        (self.position, self.values, self.time) = (position, values, time)
    }
}
