import ArgumentParser
import Glibc
import HamiltonianLearning
import HamletAgent
import VectorStream
import LearningPipeline

struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Learn online from vectors (CSV with a header or JSON lines, from a file or standard input) or from audio (--wav, --alsa).",
        discussion: """
            Each record is used once, as it arrives; memory does not grow with the stream. One JSON object \
            per step goes to standard output (or --output): {"type":"record", "step", "line", "loss", \
            "score", "prediction"}, null where there is no value; drift alerts are {"type":"alert", …}. \
            For forecast, "loss" scores the previous prediction against this record and "prediction" \
            forecasts the next record.

            A column named timestamp (or else time), unless --ignore'd, is read as each record's time, \
            never as an input: epoch seconds or text like 2014-04-01 00:00:00 or 2014-04-01T00:00:00.5+02:00 \
            (UTC unless a zone is given). --timestamp-column names another; --no-timestamp-column reads such a column \
            as a number. Ignored columns, and with --inputs every column that is neither an input nor a \
            target, are not parsed, so they may hold text. CSV fields are separated by ',', ';' or tab, \
            whichever the header uses most (--delimiter sets it).

            Exit status: 0 when learning went well; 64 for invalid options; 65 when the input or the \
            options cannot be used (a malformed line without --skip-bad, a missing column…), when \
            nothing was learned although there were input lines (every line skipped, say), or when \
            learning diverged (predictions that were not finite), these two after the summary.

            Examples:
              hamlet learn sensors.csv
              hamlet learn --wav machine.wav --checkpoint machine.safetensors
              hamlet learn --alsa plughw:1,0 --every 100
              hamlet learn --mqtt-host broker.local --sensor pump/temp --sensor pump/power:watts --step-period 0.5
              hamlet learn --mqtt-host broker.local --sensor pump/a:v --sensor pump/b:v --task regress \\
                --target pump/watts:w --join sequence --sequence-field seq --model mlp
              hamlet learn readings.jsonl --task regress --targets power --model mlp --hidden-layers 32
              tail -f stream.csv | hamlet learn --format csv --checkpoint model.safetensors --checkpoint-every 10000
            """)

    @Argument(help: "The input file; omit it or give - to read standard input.")
    var input: String?

    @Option(help: "Input format: csv or jsonl (default: from the file extension, or the first character).")
    var format: VectorFormat?

    @Option(help: "forecast (predict the next record), regress or classify.")
    var task: LearnTask = .forecast

    @Option(help: "Comma-separated input columns (default: every column that is not a target or ignored).")
    var inputs: String?

    @Option(help: "Comma-separated target columns (regress), or the one class-index column (classify).")
    var targets: String?

    @Option(help: "Comma-separated columns to leave out; they are not parsed, so they may hold text such as ids.")
    var ignore: String?

    @Option(help: "The column holding each record's time (default: one named timestamp or time, if any); never an input.")
    var timestampColumn: String?

    @Flag(help: "Do not read a timestamp or time column as the records' time: it is then an ordinary column.")
    var noTimestampColumn = false

    @Option(help: "The CSV field separator: one character such as ';', or tab (default: from the header line).")
    var delimiter: CSVDelimiter?

    @Option(help: "Number of classes for classify (class indices 0..<K).")
    var classes: Int?

    @OptionGroup(title: "Audio input")
    var audio: AudioOptions

    @OptionGroup(title: "MQTT sensors and outputs")
    var mqtt: MQTTOptions

    @OptionGroup(title: "Drift detection")
    var driftOptions: DriftCommandOptions

    @OptionGroup(title: "Model")
    var modelOptions: ModelOptions

    @OptionGroup(title: "Hamiltonian learning")
    var learningOptions: LearningOptions

    @Option(name: .customLong("init"), help: "Start from this checkpoint's weights, costates and state (its model is used).")
    var initialCheckpoint: String?

    @Option(help: "Write a checkpoint here at the end (atomically).")
    var checkpoint: String?

    @Option(help: "Also write the checkpoint every N steps.")
    var checkpointEvery: Int = 0

    @Option(help: "Write the JSON lines here instead of standard output.")
    var output: String?

    @Option(help: "Write every k-th step only.")
    var every: Int = 1

    @Flag(help: "Skip malformed lines (counted and reported) instead of stopping at the first.")
    var skipBad = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    mutating func validate() throws {
        if every < 1 { throw ValidationError("--every must be at least 1") }
        if checkpointEvery < 0 { throw ValidationError("--checkpoint-every must be 0 (off) or positive") }
        if checkpointEvery > 0, checkpoint == nil {
            throw ValidationError("--checkpoint-every needs --checkpoint PATH to say where to write")
        }
        if task == .classify, classes == nil, initialCheckpoint == nil {
            throw ValidationError("classify needs --classes K (the number of classes)")
        }
        if let classes, classes < 2 { throw ValidationError("--classes must be at least 2") }
        if timestampColumn != nil, noTimestampColumn {
            throw ValidationError("give either --timestamp-column NAME or --no-timestamp-column, not both")
        }
        if let timestampColumn, columnList(ignore)?.contains(timestampColumn) == true {
            throw ValidationError("--timestamp-column \(timestampColumn) is also in --ignore; it cannot be both read and ignored")
        }
        if delimiter != nil, format == .jsonLines { throw ValidationError("--delimiter is for CSV input, not JSON lines") }
        if audio.isAudio {
            if input != nil { throw ValidationError("give either an input file or --wav/--alsa, not both") }
            if task != .forecast { throw ValidationError("audio is learned by forecasting the next frame; --task must be forecast") }
        }
        if mqtt.isEnabled {
            if input != nil { throw ValidationError("give either an input file or --mqtt-host, not both") }
            if audio.isAudio { throw ValidationError("give either --wav/--alsa or --mqtt-host, not both") }
            if task != .forecast, targets == nil, !mqtt.hasLateTargets {
                throw ValidationError(
                    "--task \(task.rawValue) over MQTT needs --target TOPIC[:FIELD] for targets on their own topic "
                        + "(or --targets naming --sensor slots that carry them)")
            }
        }
        if mqtt.isEnabled, mqtt.hasLateTargets { try validateLateTargets() }
    }

    /// `--target`: a supervised task, one class-index target for classify, and a stateless model.
    private func validateLateTargets() throws {
        if task == .forecast {
            throw ValidationError("--target needs --task regress or classify (forecast learns from the next input, not a target)")
        }
        if targets != nil {
            throw ValidationError(
                "give --target TOPIC[:FIELD] (targets on their own topic) or --targets (target columns among the --sensor slots), not both")
        }
        if task == .classify, mqtt.targetTopics.count != 1 {
            throw ValidationError("classify takes exactly one --target, carrying the class index 0..<K")
        }
        // Learning a late target re-runs the model on the stored input; only a stateless model
        // gives the prediction (and gradient) it made at that step.
        if modelOptions.model == .forecaster || (modelOptions.model == nil && initialCheckpoint == nil) {
            throw ValidationError(
                "late targets (--target) need --model mlp: the recurrent forecaster's state has moved on by the time a "
                    + "target arrives, so it cannot learn from that step exactly")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let summary: LearnSummary
        do {
            summary = try LearnCommandRunner(command: self).run()
        } catch let error as LearnError {
            printError("hamlet learn: \(error)")
            throw ExitCode(65)
        }
        // Printed even with --quiet, which only silences the progress lines: it is the run's result.
        printError(
            "hamlet learn: \(summary.steps) steps from \(summary.records) records; "
                + "mean loss of the last \(min(Int(summary.steps), 1000)) steps: \(summary.recentMeanLoss)"
                + (summary.driftAlerts > 0 ? "; \(summary.driftAlerts) drift alerts" : "")
                + (summary.skippedLines > 0 ? "; skipped \(summary.skippedLines) bad lines" : "")
                + (mqtt.hasLateTargets ? "; \(summary.joinedTargets) targets joined, \(summary.missedTargets) missed" : "")
                + (summary.nonFiniteLosses > 0 ? "; \(summary.nonFiniteLosses) predictions were not finite" : "")
                + (summary.checkpointsWritten > 0 ? "; checkpoint \(checkpoint ?? "")" : ""))
        if let failure = LearnRunFailure(summary, task: task, lateTargets: mqtt.hasLateTargets) {
            printError("hamlet learn: \(failure)")
            throw ExitCode(65)
        }
    }
}

func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

extension VectorFormat: ExpressibleByArgument {}
extension LearnTask: ExpressibleByArgument {}
