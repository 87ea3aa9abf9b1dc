import Logging
import ServiceSupport
import LearningPipeline

/// Metrics in Prometheus' text format, written whole to `path` for node_exporter's textfile
/// collector; a write that fails is logged and the next period tries again.
public final class PrometheusFileSink: OutputSink {
    /// Where the file goes; nil writes nothing. A reload may change it.
    public var path: String?
    private let agentID: String
    private let logger: Logger

    public init(path: String?, agentID: String, logger: Logger) {
        (self.path, self.agentID, self.logger) = (path, agentID, logger)
    }

    public func metrics(_ snapshot: MetricsSnapshot) {
        guard let path else { return }
        do {
            try PrometheusTextfile.write(snapshot.prometheusText(agentID: agentID), to: path)
        } catch {
            logger.error("could not write the metrics file \(path): \(error)")
        }
    }
}
