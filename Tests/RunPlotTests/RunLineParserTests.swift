import Foundation
import TestSupport
import Testing

@testable import RunPlot

@Suite struct RunLineParserTests {
    @Test("a new-format record line gives step, line, loss, score and prediction")
    func newRecord() throws {
        let entry = try RunLineParser.parse(#"{"type":"record","step":12,"line":14,"loss":0.03,"score":0.41,"prediction":[0.5,1.2]}"#)
        #expect(entry == .record(RunRecord(step: 12, position: 14, loss: 0.03, score: 0.41, prediction: [0.5, 1.2])))
    }

    @Test("old output has no type; its first line has a null loss and no score")
    func oldFirstRecord() throws {
        let entry = try RunLineParser.parse(#"{"step":0,"line":2,"loss":null,"prediction":[12259.774]}"#)
        #expect(entry == .record(RunRecord(step: 0, position: 2, loss: nil, score: nil, prediction: [12259.774])))
    }

    @Test("null scores and null prediction entries are missing values; unknown keys are ignored")
    func nullsAndExtraKeys() throws {
        let entry = try RunLineParser.parse(
            #"{"step":3,"tick":9,"key":17,"joined":true,"loss":1,"score":null,"prediction":[null,2],"target":[1,2]}"#)
        guard case .record(let record) = entry else { Issue.record("not a record: \(String(describing: entry))"); return }
        #expect(record.position == 9, "\"tick\" stands for the line of an MQTT run")
        #expect(record.score == nil)
        #expect(record.prediction.count == 2)
        #expect(record.prediction[0].isNaN)
        #expect(record.prediction[1] == 2)
    }

    @Test("a classifier's single class index becomes a one-channel prediction; audio uses frame")
    func classifierAndFrame() throws {
        let entry = try RunLineParser.parse(#"{"step":5,"frame":6,"loss":0.2,"prediction":1,"probabilities":[0.1,0.9]}"#)
        #expect(entry == .record(RunRecord(step: 5, position: 6, loss: 0.2, score: nil, prediction: [1])))
    }

    @Test("alert lines are recognised with and without a type key")
    func alerts() throws {
        let old = try RunLineParser.parse(
            #"{"alert":"drift","step":40,"line":42,"detector":"anomaly-score","kind":"increase","statistic":0.99995,"threshold":0.9999,"reaction":"none"}"#)
        #expect(old == .alert(RunAlert(step: 40, position: 42, detector: "anomaly-score", kind: "increase", threshold: 0.9999)))
        let new = try RunLineParser.parse(
            #"{"type":"alert","alert":"drift","step":41,"frame":7,"detector":"cusum","kind":"decrease","statistic":9,"threshold":8,"reaction":"reset"}"#)
        #expect(new == .alert(RunAlert(step: 41, position: 7, detector: "cusum", kind: "decrease", threshold: 8)))
    }

    @Test("blank lines and other kinds of line are skipped; text that is not JSON is an error")
    func skippedAndRejected() throws {
        #expect(try RunLineParser.parse("   ") == nil)
        #expect(try RunLineParser.parse(#"{"type":"summary","steps":10}"#) == nil)
        #expect(throws: PlotError.notJSON) { try RunLineParser.parse("step=1 loss=2") }
        #expect(throws: PlotError.missingStep) { try RunLineParser.parse(#"{"type":"record","loss":2}"#) }
    }

    @Test("a run file is read line by line; a bad line is reported with its number")
    func runFile() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let good = try directory.write(
            "good.jsonl",
            """
            {"step":0,"line":2,"loss":null,"prediction":[1]}
            {"step":1,"line":3,"loss":0.5,"score":0.5,"prediction":[2]}

            {"alert":"drift","step":1,"line":3,"detector":"anomaly-score","kind":"increase","statistic":1,"threshold":0.999,"reaction":"none"}
            {"type":"record","step":2,"line":4,"loss":0.1,"score":0.2,"prediction":[3]}\r

            """)
        let log = try RunLog.read(path: good)
        #expect(log.records.map(\.step) == [0, 1, 2])
        #expect(log.alerts.map(\.step) == [1])
        #expect(log.scoreThreshold == 0.999)
        let bad = try directory.write("bad.jsonl", "{\"step\":0,\"loss\":1,\"prediction\":[1]}\n{\"step\":1,\n")
        #expect(throws: PlotError.badLine(path: bad, line: 2, reason: "not a JSON object")) { try RunLog.read(path: bad) }
        let alertsOnly = try directory.write("alerts.jsonl", "{\"alert\":\"drift\",\"step\":3}\n")
        #expect(throws: PlotError.noRecords(path: alertsOnly)) { try RunLog.read(path: alertsOnly) }
        #expect(throws: PlotError.self) { try RunLog.read(path: directory.file("missing.jsonl")) }
    }
}
