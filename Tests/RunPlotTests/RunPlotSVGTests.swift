import Foundation
import Testing

@testable import RunPlot

@Suite struct RunPlotSVGTests {
    /// A half-hourly input with a forecast per record, scores, and alerts at the given steps.
    static func run(records: Int, alerts: [Int], threshold: Double? = 0.9995) -> RunLog {
        let recordLines = (0..<records).map { step in
            RunRecord(
                step: step, position: step + 2, loss: step == 0 ? nil : 0.1, score: step == 0 ? nil : Double(step % 100) / 100,
                prediction: [sin(Double(step + 1) / 10) * 5 + 20])
        }
        let alertLines = alerts.map { RunAlert(step: $0, position: $0 + 2, detector: "anomaly-score", kind: "increase", threshold: threshold) }
        return RunLog(records: recordLines, alerts: alertLines)
    }

    static func input(records: Int) -> InputTable {
        let origin = Timestamp.seconds("2014-07-01 00:00:00")!
        return InputTable(
            path: "/data/realKnownCause/nyc_taxi.csv", columns: ["timestamp", "value"], channel: "value", learnedIndex: 0,
            values: (0..<records).map { sin(Double($0) / 10) * 5 + 20 }, times: (0..<records).map { origin + Double($0) * 1800 })
    }

    @Test("the SVG is well-formed and has one marker per alert, one band per window, the threshold and two panels")
    func elements() throws {
        let origin = Timestamp.seconds("2014-07-01 00:00:00")!
        let windows = [
            LabelWindow(start: origin + 86_400, end: origin + 2 * 86_400),
            LabelWindow(start: origin + 5 * 86_400, end: origin + 6 * 86_400),
            LabelWindow(start: origin + 500 * 86_400, end: origin + 501 * 86_400),
        ]
        let plot = try RunPlot(
            log: Self.run(records: 1000, alerts: [100, 400, 400, 900]), input: Self.input(records: 1000), labels: windows,
            options: PlotOptions())
        let svg = SVGElements(plot.svg())
        #expect(svg.isWellFormed, "\(String(describing: svg.error))")
        #expect(svg.count(class: "panel") == 2)
        #expect(svg.count(class: "alert") == 3, "two detectors alerting on one record draw one marker")
        #expect(svg.count(class: "label-window") == 2, "the window after the run's end has no records to shade")
        let threshold = try #require(svg.withClass("threshold").first)
        #expect(svg.count(class: "threshold") == 1)
        let scorePanel = try #require(svg.withClass("panel").last)
        let top = Double(scorePanel["y"]!)!, height = Double(scorePanel["height"]!)!
        let expectedY = top + height * (1 - (0.9995 - RunPlot.scoreRange.lowerBound) / (RunPlot.scoreRange.upperBound - RunPlot.scoreRange.lowerBound))
        #expect(abs(Double(threshold["y1"]!)! - expectedY) < 0.1, "the threshold comes from the anomaly-score alerts")
        #expect(svg.withClass("series").compactMap { $0["data-name"] }.sorted() == ["prediction[0]", "score", "value"])
        #expect(svg.texts.contains("nyc_taxi.csv"), "the title defaults to the input's file name")
        // Three weeks of records: weekly ticks, on Mondays.
        #expect(svg.texts.filter { $0.hasPrefix("2014-07-") } == ["2014-07-07", "2014-07-14", "2014-07-21"], "the x-axis is labelled with the input's times")
    }

    @Test("text is escaped, so a title with markup characters stays text")
    func escaping() throws {
        var options = PlotOptions(title: #"pump <3> & "valve" 'B'"#)
        options.threshold = 0.5
        let plot = try RunPlot(log: Self.run(records: 50, alerts: []), input: nil, labels: [], options: options)
        let svg = SVGElements(plot.svg())
        #expect(svg.isWellFormed, "\(String(describing: svg.error))")
        #expect(svg.texts.contains(#"pump <3> & "valve" 'B'"#))
        #expect(svg.count(class: "alert") == 0)
        #expect(svg.withClass("series").compactMap { $0["data-name"] }.sorted() == ["prediction[0]", "score"])
    }

    @Test("every line of a long run is drawn with at most 4000 points")
    func longRunIsThinned() throws {
        let plot = try RunPlot(log: Self.run(records: 120_000, alerts: []), input: nil, labels: [], options: PlotOptions())
        let svg = SVGElements(plot.svg())
        let paths = svg.withClass("series").compactMap { $0["d"] }
        #expect(paths.count == 2)
        for path in paths {
            let points = path.filter { $0 == "M" || $0 == "L" }.count
            #expect(points > 1000 && points <= 4000)
        }
    }

    @Test("--no-prediction drops the prediction; a prediction in other units gets the right-hand scale")
    func predictionPlacement() throws {
        let input = Self.input(records: 300)
        let hidden = try RunPlot(log: Self.run(records: 300, alerts: []), input: input, labels: [], options: PlotOptions(showPrediction: false))
        #expect(hidden.panels[0].series.map(\.name) == ["value"])
        var normalised = Self.run(records: 300, alerts: [])
        for index in normalised.records.indices { normalised.records[index].prediction = [sin(Double(index) / 10)] }
        let own = try RunPlot(log: normalised, input: input, labels: [], options: PlotOptions())
        #expect(own.panels[0].series.map(\.name) == ["value"])
        #expect(own.panels[0].rightSeries.map(\.name) == ["prediction[0]"])
        let shared = try RunPlot(log: Self.run(records: 300, alerts: []), input: input, labels: [], options: PlotOptions())
        #expect(shared.panels[0].series.map(\.name) == ["value", "prediction[0]"])
        #expect(shared.panels[0].series[1].points.first?.x == 1, "a forecast is drawn at the record it forecasts")
        var overshooting = Self.run(records: 300, alerts: [])
        for index in stride(from: 100, to: 104, by: 1) { overshooting.records[index].prediction = [index % 2 == 0 ? 1e4 : -1e4] }
        let wild = try RunPlot(log: overshooting, input: input, labels: [], options: PlotOptions())
        #expect(wild.panels[0].series.map(\.name) == ["value", "prediction[0]"], "four wild forecasts in 300 keep the input's scale")
        #expect(wild.panels[0].yRange.map { $0.upperBound < 1e3 && $0.lowerBound > -1e3 } == true, "\(String(describing: wild.panels[0].yRange))")
    }

    @Test("labels need times, a prediction index must exist, the input must join the records, and something must be left to draw")
    func assemblyErrors() throws {
        let log = Self.run(records: 20, alerts: [])
        #expect(throws: PlotError.labelsNeedTimestamps) {
            try RunPlot(log: log, input: nil, labels: [LabelWindow(start: 0, end: 1)], options: PlotOptions())
        }
        #expect(throws: PlotError.predictionChannelOutOfRange(index: 3, count: 1)) {
            try RunPlot(log: log, input: nil, labels: [], options: PlotOptions(predictionChannel: 3))
        }
        var unscored = log
        for index in unscored.records.indices { unscored.records[index].score = nil }
        #expect(throws: PlotError.nothingToPlot) {
            try RunPlot(log: unscored, input: nil, labels: [], options: PlotOptions(showPrediction: false))
        }
        var elsewhere = log
        for index in elsewhere.records.indices { elsewhere.records[index].position = 10_000 + index }
        #expect(throws: PlotError.noJoin(path: "/data/realKnownCause/nyc_taxi.csv")) {
            try RunPlot(log: elsewhere, input: Self.input(records: 20), labels: [], options: PlotOptions())
        }
    }
}
