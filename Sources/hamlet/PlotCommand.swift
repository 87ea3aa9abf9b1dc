import ArgumentParser
import DurableFiles
import FoundationEssentials
import HamletAgent
import RunPlot
import LearningPipeline

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a run's JSON lines (from hamlet learn) as an SVG: input, prediction, anomaly score, alerts and labelled windows.",
        discussion: """
            Panels share one axis of records: the input channel (from --input; without it, the prediction) with \
            the prediction drawn at the record it forecasts, then the anomaly score in [0, 1] with its threshold. \
            Drift alerts are red vertical lines and labelled windows green bands across all panels. A prediction \
            in other units than the input (normalised) gets its own scale on the right. Long runs are thinned to \
            at most 4000 points per line, keeping each pixel's lowest and highest value so spikes stay visible.

            The records' "line" is the 1-based line of --input (the header is line 1). With a timestamp or time \
            column like "2014-04-01 00:00:00", the axis is labelled with times and --labels can place NAB's \
            windows; --labels-key defaults to the last two components of the --input path.

            Examples:
              hamlet learn nyc_taxi.csv --ignore timestamp --output run.jsonl
              hamlet plot run.jsonl --input nyc_taxi.csv --output run.svg
              hamlet plot run.jsonl --input data/realKnownCause/nyc_taxi.csv \\
                --labels labels/combined_windows.json --output nyc_taxi.svg
              hamlet learn pump.csv --ignore time | hamlet plot - --input pump.csv \\
                --channel power > pump.svg
            """)

    @Argument(help: "The JSON lines of hamlet learn (- for standard input).")
    var jsonLines: String

    @Option(help: ArgumentHelp("The CSV (with a header) the run learned from, to plot its values and times.", valueName: "file.csv"))
    var input: String?

    @Option(help: ArgumentHelp("The --input column to plot (default: the first numeric column that is not timestamp or time).", valueName: "name"))
    var channel: String?

    @Option(help: ArgumentHelp("The prediction index to draw (default: the channel's position among the learned columns).", valueName: "index"))
    var predictionChannel: Int?

    @Option(help: ArgumentHelp("NAB-style labels: a JSON object of file keys to lists of [start, end] timestamps.", valueName: "file.json"))
    var labels: String?

    @Option(help: ArgumentHelp("The --labels key (default: the last two components of the --input path).", valueName: "key"))
    var labelsKey: String?

    @Option(help: ArgumentHelp("The anomaly-score threshold line (default: from the run's anomaly-score alerts, else the forecast score's default threshold).", valueName: "x"))
    var threshold: Double?

    @Option(help: "The title (default: the --input file name, else the JSON-lines file name).")
    var title: String?

    @Flag(help: "Leave the prediction out.")
    var noPrediction = false

    @Option(help: ArgumentHelp("Write the SVG here instead of standard output.", valueName: "file.svg"))
    var output: String?

    mutating func validate() throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold is a score in [0, 1]; got \(threshold)") }
        if labelsKey != nil, labels == nil { throw ValidationError("--labels-key needs --labels FILE.json") }
        if channel != nil, input == nil { throw ValidationError("--channel picks a column of --input; give --input FILE.csv") }
        if let predictionChannel, predictionChannel < 0 { throw ValidationError("--prediction-channel is an index from 0") }
    }

    func run() throws {
        do { try plot() } catch {
            printError("hamlet plot: \(error)")
            throw ExitCode(error.exitCode)
        }
    }

    private func plot() throws(PlotError) {
        let log = try RunLog.read(path: jsonLines)
        let table = try input.map { path throws(PlotError) in try InputTable.read(path: path, channel: channel) }
        let windows = try labels.map { path throws(PlotError) in
            try LabelFile.read(path: path).windows(key: labelsKey, inputPath: input)
        } ?? []
        // Without --input, the run's own file name is the best title there is.
        let defaultTitle = input == nil && jsonLines != "-" ? URL(fileURLWithPath: jsonLines).lastPathComponent : nil
        let options = PlotOptions(
            title: title ?? defaultTitle, showPrediction: !noPrediction, predictionChannel: predictionChannel, threshold: threshold,
            fallbackThreshold: DriftOptions().forecast.threshold)
        let plot = try RunPlot(log: log, input: table, labels: windows, options: options)
        if windows.count > plot.windows.count {
            printError("hamlet plot: \(windows.count - plot.windows.count) of \(windows.count) labelled windows lie outside the run's times")
        }
        try write(plot.svg())
    }

    private func write(_ svg: String) throws(PlotError) {
        guard let output else {
            print(svg, terminator: "")
            return
        }
        // Atomic like the checkpoints: a reader never sees half a plot; no fsync, a plot is redrawn.
        do { try DurableFiles.replace(output, with: Array(svg.utf8), durable: false) } catch {
            throw .cannotWrite(path: output, reason: error.description)
        }
    }
}
