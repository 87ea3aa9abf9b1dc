import SystemPrimitives
import AgentSettings
import ArgumentParser
import DriftDetection
import Glibc
import HamiltonianLearning
import HamletAgent
import VectorStream
import Logging

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score the drift detectors on a stream with known change points.",
        discussion: """
            The learner forecasts each record; every detector watches its loss. An alert counts for a \
            change if it comes at or after the change and within --max-delay records, before the next \
            change; every other alert is a false alarm. Without an input, a seeded stream is generated \
            with four changes (abrupt mean shift, variance doubled, new periodic component, gradual \
            ramp).

            Examples:
              hamlet evaluate
              hamlet evaluate pump.csv --ignore time --change-points 52000,130500
              hamlet evaluate --wav hall.wav --change-points 3000
            """)

    @Argument(help: "A CSV or JSON-lines recording (default: a generated stream).")
    var input: String?

    @Option(help: "Comma-separated 0-based record indices (audio: frame indices) where the stream changes.")
    var changePoints: String?

    @Option(help: "Comma-separated columns to leave out, such as a timestamp.")
    var ignore: String?

    @Option(help: "Generated stream: channels.")
    var streamChannels: Int = 4

    @Option(help: "Generated stream: records between changes.")
    var segment: Int = 20_000

    @Option(help: "Generated stream: noise standard deviation (the changes are sized in it).")
    var noise: Double = 0.05

    @Option(help: "Generated stream: seed.")
    var streamSeed: UInt64 = 1

    @Option(help: "Records after a change within which an alert counts as detecting it.")
    var maxDelay: Int = 1000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @OptionGroup(title: "Audio input")
    var audio: AudioOptions

    @OptionGroup(title: "Drift detection")
    var driftOptions: DriftCommandOptions

    @OptionGroup(title: "Model")
    var modelOptions: ModelOptions

    @OptionGroup(title: "Hamiltonian learning")
    var learningOptions: LearningOptions

    mutating func validate() throws {
        if audio.alsa != nil { throw ValidationError("evaluate needs a recording with known change points, not --alsa") }
        if (input != nil || audio.wav != nil) != (changePoints != nil) {
            throw ValidationError("an input file needs --change-points, and --change-points needs an input file")
        }
        if input != nil, audio.wav != nil { throw ValidationError("give either an input file or --wav, not both") }
        if maxDelay < 1 || segment < 1 || streamChannels < 1 || !(noise > 0) {
            throw ValidationError("--max-delay, --segment, --stream-channels and --noise must be positive")
        }
    }

    func run() throws {
        var drift = try driftOptions.options() ?? DriftOptions()
        if driftOptions.detectors == "cusum,adwin,anomaly-score" { drift.detectors = DriftOptions.Detector.allCases }
        let source: any RecordSource
        let points: [Int]
        if let input {
            source = try VectorStreamReader(path: input == "-" ? nil : input, format: nil)
            points = try parse(changePoints ?? "")
        } else if audio.wav != nil {
            source = try audio.reader(logger: .hamlet("hamlet evaluate"))
            points = try parse(changePoints ?? "")
        } else {
            let generated = ChangingStream(channels: streamChannels, segment: segment, noise: noise, seed: streamSeed)
            source = generated
            points = generated.changePoints
        }
        // The columns are known once the first record is read; read it, then replay it first.
        let first = try source.next()
        let ignored = Set(ignore.map { $0.split(separator: ",").map { String($0).trimmingBlanks } } ?? [])
        let columns = source.columns.indices.filter { !ignored.contains(source.columns[$0]) }
        guard first != nil, !columns.isEmpty else { throw ValidationError("the input has no records or no columns to learn from") }
        let model = try modelOptions.configuration(inputCount: columns.count, outputCount: columns.count)
        let learner = AgentLearner(
            model: model, hamiltonian: try learningOptions.configuration(base: AgentConfiguration().learning.hamiltonian),
            loss: .meanSquaredError, seed: learningOptions.seed)
        let evaluation = DriftEvaluation(changePoints: points, maximumDelay: maxDelay, options: drift)
        let reports = try evaluation.run(source: source, first: first, learner: learner, columns: columns)
        print(json ? jsonReport(reports) : table(reports, model: model))
    }

    private func parse(_ text: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingBlanks) }
        guard !values.isEmpty, let points = values as? [Int], points == points.sorted(), points.allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--change-points takes increasing record indices such as 5000,12000; got \"\(text)\"")
        }
        return points
    }

    private func table(_ reports: [(String, DetectionReport)], model: ModelConfiguration) -> String {
        let sampleCount = reports.first?.1.sampleCount ?? 0
        var lines = ["\(sampleCount) records, changes at \(reports.first?.1.changePoints ?? []), learner: \(model.summary)", ""]
        lines.append("detector        detected  missed  mean delay  delays                 false alarms  per 10k")
        for (name, report) in reports {
            let delays = report.delays.map { $0.map(String.init) ?? "-" }.joined(separator: ",")
            let mean = report.meanDelay.map { PrintfFormat.string("%.1f", $0) } ?? "-"
            let columns: [(String, Int)] = [
                (name, 16), ("\(report.detectedCount)/\(report.changePoints.count)", 10), ("\(report.missedCount)", 8), (mean, 12),
                (delays, 23), ("\(report.falseAlarms)", 14),
            ]
            lines.append(columns.map { padded($0.0, to: $0.1) }.joined() + PrintfFormat.string("%.2f", report.falseAlarmsPer10kSamples))
        }
        return lines.joined(separator: "\n")
    }

    private func jsonReport(_ reports: [(String, DetectionReport)]) -> String {
        let entries = reports.map { name, report in
            let delays = report.delays.map { $0.map(String.init) ?? "null" }.joined(separator: ",")
            return "\"\(name)\":{\"detected\":\(report.detectedCount),\"missed\":\(report.missedCount),"
                + "\"delays\":[\(delays)],\"false_alarms\":\(report.falseAlarms),"
                + "\"false_alarms_per_10k\":\(report.falseAlarmsPer10kSamples)}"
        }
        return "{\"records\":\(reports.first?.1.sampleCount ?? 0),\"change_points\":\(reports.first?.1.changePoints ?? []),"
            + "\"detectors\":{\(entries.joined(separator: ","))}}"
    }
}

import FoundationEssentials
import LearningPipeline

/// `text` cut or filled with spaces to `width` characters, for a column of a plain-text table.
private func padded(_ text: String, to width: Int) -> String {
    text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
}
