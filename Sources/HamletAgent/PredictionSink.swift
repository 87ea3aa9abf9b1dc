/// Where `LearnSession` sends its output: one JSON line per reported step and one per drift alert.
///
/// Called from the learning thread only; implementations may allocate (the lines are strings).
public protocol PredictionSink: AnyObject {
    /// One step's JSON object, `{"type":"record","step":…,"loss":…,"score":…,"prediction":…}` (or a
    /// `"type":"joined"` late target's step), without a newline.
    func prediction(_ line: String) throws(LearnError)
    /// One drift alert's JSON object, `{"type":"alert","alert":"drift",…}`, without a newline.
    func alert(_ line: String) throws(LearnError)
    /// Makes everything sent so far visible (at the end of a run).
    func flush() throws(LearnError)
}

/// Both kinds of line go to the file or standard output, in order.
extension LineWriter: PredictionSink {
    public func prediction(_ line: String) throws(LearnError) { try writeLine(line) }
    public func alert(_ line: String) throws(LearnError) { try writeLine(line) }
}

/// Sends every line to each sink in turn (e.g. standard output and MQTT).
public final class CombinedPredictionSink: PredictionSink {
    public let sinks: [any PredictionSink]

    public init(_ sinks: [any PredictionSink]) { self.sinks = sinks }

    public func prediction(_ line: String) throws(LearnError) {
        for sink in sinks { try sink.prediction(line) }
    }

    public func alert(_ line: String) throws(LearnError) {
        for sink in sinks { try sink.alert(line) }
    }

    public func flush() throws(LearnError) {
        for sink in sinks { try sink.flush() }
    }
}
