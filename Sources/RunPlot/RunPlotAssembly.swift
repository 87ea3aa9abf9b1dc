extension RunPlot {
    /// Joins a run with its input and labels: the input channel and the prediction in the first panel,
    /// the anomaly score in the second (when the run has one).
    public init(log: RunLog, input: InputTable?, labels: [LabelWindow], options: PlotOptions) throws(PlotError) {
        let records = log.records.sorted { $0.step < $1.step }
        var panels: [PlotPanel] = []
        let prediction = options.showPrediction ? try Self.prediction(records, input: input, options: options) : nil
        if let input {
            let values = records.compactMap { record in
                record.position.flatMap(input.value(line:)).flatMap { $0.isFinite ? SeriesPoint(x: Double(record.step), y: $0) : nil }
            }
            if values.isEmpty { throw .noJoin(path: input.path) }
            let inputSeries = PlotSeries(name: input.channel, color: Palette.input, points: values)
            var panel = PlotPanel(title: "input: \(input.channel)", series: [inputSeries])
            if let prediction {
                // A prediction in the input's units shares its scale; one in normalised units gets its own.
                if Self.sharesScale(prediction.points, with: values) {
                    panel.series.append(prediction)
                    // The few wild forecasts run off the panel instead of flattening the input.
                    panel.yRange = NumberTicks.padded(values.map(\.y) + Self.centralValues(prediction.points))
                } else {
                    panel.rightSeries = [prediction]
                    panel.title += " (prediction on the right-hand scale)"
                }
            }
            panels.append(panel)
        } else if let prediction {
            panels.append(PlotPanel(title: prediction.name, series: [prediction]))
        }
        let scores = records.compactMap { record in record.score.map { SeriesPoint(x: Double(record.step), y: $0) } }
        if !scores.isEmpty {
            let threshold = options.threshold ?? log.scoreThreshold ?? options.fallbackThreshold
            panels.append(
                PlotPanel(
                    title: "anomaly score (threshold \(threshold))", series: [PlotSeries(name: "score", color: Palette.score, points: scores)],
                    yRange: Self.scoreRange, threshold: threshold))
        }
        if panels.isEmpty { throw .nothingToPlot }
        let timeline: [(step: Int, time: Double)]? = input.flatMap { input in
            guard input.times != nil else { return nil }
            return records.compactMap { record in
                record.position.flatMap(input.time(line:)).flatMap { $0.isFinite ? (record.step, $0) : nil }
            }
        }
        if !labels.isEmpty, timeline == nil { throw .labelsNeedTimestamps }
        let first = Double(records.first!.step), last = Double(records.last!.step)
        self.init(
            title: options.title ?? input.map { Self.fileName($0.path) } ?? "hamlet learn run",
            panels: panels, steps: first...max(last + (prediction == nil ? 0 : 1), first + 1),
            alertSteps: log.alerts.map { Double($0.step) },
            windows: labels.compactMap { window in window.steps(on: timeline ?? []).map { Double($0.lowerBound)...Double($0.upperBound) } },
            timeline: timeline)
    }

    /// [0, 1] with a little room, so a threshold near 1 stands apart from the panel's frame.
    static let scoreRange = -0.02...1.04

    /// The forecast of each record drawn at the record it forecasts, the next step.
    private static func prediction(_ records: [RunRecord], input: InputTable?, options: PlotOptions) throws(PlotError) -> PlotSeries? {
        let count = records.lazy.map(\.prediction.count).max() ?? 0
        guard count > 0 else { return nil }
        var index = options.predictionChannel ?? input?.learnedIndex ?? 0
        // One predicted channel can only be the one plotted, whatever the input's column order.
        if options.predictionChannel == nil, count == 1 { index = 0 }
        guard index >= 0, index < count else { throw .predictionChannelOutOfRange(index: index, count: count) }
        let points = records.compactMap { record in
            record.prediction.count > index && record.prediction[index].isFinite
                ? SeriesPoint(x: Double(record.step + 1), y: record.prediction[index]) : nil
        }
        return PlotSeries(name: "prediction[\(index)]", color: Palette.prediction, points: points)
    }

    /// True when the prediction's range lies within the input's range widened by half its span.
    static func sharesScale(_ prediction: [SeriesPoint], with input: [SeriesPoint]) -> Bool {
        // Judged on the middle 96 % of each and the prediction's median, so a forecaster that swings
        // wide for a while (catching up after a jump) stays on the input's scale, while normalised
        // predictions (centred on 0, spread about 1) of a sensor reading 15–25 get their own.
        let inputValues = centralValues(input), predictionValues = centralValues(prediction)
        guard let low = inputValues.first, let high = inputValues.last, !predictionValues.isEmpty else { return false }
        let median = predictionValues[predictionValues.count / 2]
        let inputSpan = max(high - low, 1e-12), predictionSpan = predictionValues.last! - predictionValues.first!
        return median >= low - inputSpan / 10 && median <= high + inputSpan / 10
            && predictionSpan >= inputSpan / 10 && predictionSpan <= inputSpan * 10
    }

    static func centralValues(_ points: [SeriesPoint]) -> [Double] {
        let sorted = points.map(\.y).sorted()
        let cut = sorted.count / 50
        return Array(sorted[cut..<(sorted.count - cut)])
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
