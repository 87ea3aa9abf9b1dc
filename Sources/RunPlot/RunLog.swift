/// The records and alerts of one `hamlet learn` run, in file order.
public struct RunLog: Sendable {
    public var records: [RunRecord] = []
    public var alerts: [RunAlert] = []

    public init(records: [RunRecord] = [], alerts: [RunAlert] = []) {
        self.records = records
        self.alerts = alerts
    }

    /// Reads `path` ("-" for standard input) line by line; a line that is not JSON stops with its line number.
    public static func read(path: String) throws(PlotError) -> RunLog {
        let lines = try TextLines(path: path)
        var log = RunLog()
        while let line = lines.next() {
            let entry: RunEntry?
            do { entry = try RunLineParser.parse(line) } catch {
                throw .badLine(path: path, line: lines.lineNumber, reason: error.description)
            }
            switch entry {
            case .record(let record): log.records.append(record)
            case .alert(let alert): log.alerts.append(alert)
            case nil: continue
            }
        }
        if log.records.isEmpty { throw .noRecords(path: path) }
        return log
    }

    /// The anomaly-score detector's threshold from the first alert that carries one: the score
    /// panel is in [0, 1], and other detectors' thresholds are in their own statistics' units.
    public var scoreThreshold: Double? {
        alerts.first { $0.detector == "anomaly-score" && $0.threshold != nil }?.threshold
    }
}
