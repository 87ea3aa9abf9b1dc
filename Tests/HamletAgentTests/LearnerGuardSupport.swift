import AgentSettings
import Foundation
import HamiltonianLearning
import Logging
import HamletAgent
import VectorStream
import LearningPipeline

/// Records from an array, for driving a `LearnSession` in a test.
final class ListSource: RecordSource {
    let columns: [String]
    var positionName: String { "line" }
    private var records: [Sample]

    init(columns: [String], rows: [[Double]]) {
        self.columns = columns
        records = rows.enumerated().map { Sample(position: $0.offset + 2, values: $0.element, time: nil) }.reversed()
    }

    func next(into sample: inout Sample) throws(SourceError) -> Bool {
        guard let record = records.popLast() else { return false }
        sample = record
        return true
    }
}

/// Keeps every line a session writes, alerts apart.
final class RecordingSink: OutputSink {
    private(set) var predictions: [[String: Any]] = []
    private(set) var alerts: [[String: Any]] = []

    func prediction(_ report: PredictionReport) throws(LearnError) { predictions.append(Self.object(JSONLine.text(report))) }
    func alert(_ report: AlertReport) throws(LearnError) { alerts.append(Self.object(JSONLine.text(report))) }

    var faultAlerts: [[String: Any]] { alerts.filter { $0["alert"] as? String == "learner-fault" } }

    /// The numbers of the latest prediction line (nil for a JSON null: not finite).
    var lastPrediction: [Double?] {
        (predictions.last?["prediction"] as? [Any] ?? []).map { $0 as? Double }
    }

    private static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? ["unparsed": line]
    }
}

/// A session over `channels` sinusoids: a forecaster (or `model`) with normalisation, calendar off (forecast),
/// or an MLP on raw inputs (regress: the last column is the target); no drift detection.
struct GuardedSession {
    let session: LearnSession
    let sink = RecordingSink()
    let columns: [String]

    /// `poisoned` may break the learner before the session (and its guard) is built.
    /// `hamiltonian` and `drift` default to the agent's own learning defaults and no detection.
    init(
        task: LearnTask, channels: Int = 2, checkpointPath: String? = nil, hamiltonian: HamiltonianConfiguration? = nil,
        drift: DriftOptions? = nil, model forecastModel: ModelConfiguration? = nil, poisoned: (AgentLearner) throws -> Void = { _ in }
    ) throws {
        columns = (0..<channels).map { "c\($0)" }
        let model: ModelConfiguration
        var options = LearnOptions()
        options.task = task
        options.drift = drift
        options.progressInterval = 0
        options.checkpointPath = checkpointPath
        let mapping: ColumnMapping
        if task == .forecast {
            model = forecastModel ?? .forecaster(.init(inputCount: channels, stateCount: 8))
            mapping = try ColumnMapping(columns: columns, task: task, inputs: nil, targets: [], ignored: [])
        } else {
            model = .mlp(.init(inputCount: channels - 1, hiddenCounts: [8], outputCount: 1))
            mapping = try ColumnMapping(columns: columns, task: task, inputs: nil, targets: [columns.last!], ignored: [])
        }
        // The agent's own learning defaults (gradient clip 1): without a clip this stream diverges by itself.
        let learner = AgentLearner(
            model: model, hamiltonian: hamiltonian ?? AgentConfiguration.Learning().hamiltonian, loss: .meanSquaredError, seed: 1)
        try poisoned(learner)
        session = LearnSession(
            learner: learner, model: model, options: options, mapping: mapping, reader: ListSource(columns: columns, rows: []),
            output: sink, pendingInput: nil, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Record `t` of the stream: channel c is sin(0.1·t + c), within ±1.
    static func row(_ t: Int, channels: Int) -> [Double] { (0..<channels).map { sin(0.1 * Double(t) + Double($0)) } }

    func step(_ t: Int, values: [Double]? = nil) throws {
        try session.step(Sample(position: t + 2, values: values ?? Self.row(t, channels: columns.count), time: nil))
    }
}
