import ServiceSupport

/// Where the pipeline's outputs go — predictions, alerts, rejected input and metrics — each as a
/// typed value; the sink that writes one formats it (JSON, Prometheus text). Control replies are
/// the agent's and go to its MQTT sink directly (`MQTTOutputSink.reply`).
///
/// Every sink is handed every output and carries the kinds it has a place for (standard output
/// has no metrics topic); the defaults ignore a kind. Called from the pipeline thread only;
/// implementations may allocate (their lines are strings).
public protocol OutputSink: AnyObject {
    /// One reported step; `report.prediction` is valid during the call only.
    func prediction(_ report: PredictionReport) throws(LearnError)
    /// Never thinned: every alert reaches every sink.
    func alert(_ report: AlertReport) throws(LearnError)
    func rejected(_ rejection: InputRejection)
    func metrics(_ snapshot: MetricsSnapshot)
    /// Makes everything sent so far visible (at the end of a run).
    func flush() throws(LearnError)
}

extension OutputSink {
    public func prediction(_ report: PredictionReport) throws(LearnError) {}
    public func alert(_ report: AlertReport) throws(LearnError) {}
    public func rejected(_ rejection: InputRejection) {}
    public func metrics(_ snapshot: MetricsSnapshot) {}
    public func flush() throws(LearnError) {}
}

/// Predictions and alerts as JSON lines in the file or on standard output, in order.
extension LineWriter: OutputSink {
    public func prediction(_ report: PredictionReport) throws(LearnError) { try writeLine(JSONLine.text(report)) }
    public func alert(_ report: AlertReport) throws(LearnError) { try writeLine(JSONLine.text(report)) }
}

/// Hands every output to each sink in turn (e.g. standard output, MQTT and the Prometheus file).
public final class CombinedOutputSink: OutputSink {
    public let sinks: [any OutputSink]

    public init(_ sinks: [any OutputSink]) { self.sinks = sinks }

    public func prediction(_ report: PredictionReport) throws(LearnError) {
        for sink in sinks { try sink.prediction(report) }
    }

    public func alert(_ report: AlertReport) throws(LearnError) {
        for sink in sinks { try sink.alert(report) }
    }

    public func rejected(_ rejection: InputRejection) {
        for sink in sinks { sink.rejected(rejection) }
    }

    public func metrics(_ snapshot: MetricsSnapshot) {
        for sink in sinks { sink.metrics(snapshot) }
    }

    public func flush() throws(LearnError) {
        for sink in sinks { try sink.flush() }
    }
}
