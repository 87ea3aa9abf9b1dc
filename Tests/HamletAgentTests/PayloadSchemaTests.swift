import Foundation
import Testing

/// Every kind of line `hamlet learn` writes (and publishes) validates against its JSON Schema.
@Suite struct PayloadSchemaTests {
    @Test("forecast, classify and audio lines, and drift alerts, match their schemas")
    func realPayloads() throws {
        let directory = try TemporaryDirectory()
        var shifted = "a,b\n", classes = "x,y,label\n"
        for t in 0..<4_000 {
            let level = t < 3_000 ? 0.0 : 2.0
            shifted += "\(sin(0.05 * Double(t)) + level),\(cos(0.11 * Double(t)))\n"
            let (x, y) = (sin(0.37 * Double(t)), cos(0.21 * Double(t)))
            classes += "\(x),\(y),\(x > y ? 1 : 0)\n"
        }
        let forecast = try HamletProcess.run(
            ["learn", try directory.write("shift.csv", shifted), "--state-size", "8", "--quiet", "--drift-warm-up", "1500"])
        let classify = try HamletProcess.run(
            ["learn", try directory.write("c.csv", classes), "--task", "classify", "--targets", "label", "--classes", "2",
             "--model", "mlp", "--quiet"])
        let wav = directory.path("a.wav")
        try AudioLearnTests.wav(AudioLearnTests.samples(count: 8_000)).write(to: URL(fileURLWithPath: wav))
        let audio = try HamletProcess.run(["learn", "--wav", wav, "--state-size", "8", "--quiet"])
        for run in [forecast, classify, audio] { #expect(run.status == 0, "\(run.standardError)") }

        let all = forecast.lines + classify.lines + audio.lines
        let alerts = all.filter { $0.hasPrefix(#"{"type":"alert","#) }
        let predictions = all.filter { $0.hasPrefix(#"{"type":"record","#) }
        #expect(alerts.count + predictions.count == all.count, "every line starts with its type")
        #expect(!alerts.isEmpty, "the level shift should raise an alert")
        // The first line has no score yet (nor a loss): the keys are there, with null.
        for run in [forecast, classify, audio] {
            let records = run.lines.filter { $0.hasPrefix(#"{"type":"record","#) }
            let keys = try Set(records.map { Set(try LearnCommandTests.json($0).keys) })
            #expect(keys.count == 1, "record lines with different keys: \(keys)")
            #expect(keys.first?.isSuperset(of: ["type", "step", "loss", "score", "prediction"]) == true)
        }
        let first = try LearnCommandTests.json(try #require(forecast.lines.first))
        #expect(first["score"] is NSNull && first["loss"] is NSNull)
        #expect(try PayloadSchema.prediction.problems(in: predictions) == nil)
        #expect(try PayloadSchema.alert.problems(in: alerts) == nil)
    }

    @Test("the validator rejects payloads that break the schema")
    func negativeControl() throws {
        let broken = [
            #"{"step":1,"line":2,"loss":0.1,"prediction":"soon"}"#,
            #"{"step":-1,"line":2,"loss":0.1,"prediction":[1]}"#,
            #"{"type":"record","step":1,"loss":0.1,"score":null,"prediction":[1]}"#,
            #"{"step":1,"line":2,"loss":0.1,"score":null,"prediction":[1]}"#,
            #"{"type":"record","step":1,"line":2,"loss":0.1,"prediction":[1]}"#,
            #"{"type":"record","step":1,"tick":2,"key":2,"loss":0.1,"score":null,"prediction":[1],"target":[1]}"#,
            #"{"type":"joined","step":1,"tick":2,"key":2,"loss":0.1,"score":null,"prediction":[1]}"#,
            #"{"type":"alert","step":1,"line":2,"loss":0.1,"score":null,"prediction":[1]}"#,
        ]
        let valid = [
            #"{"type":"record","step":1,"line":2,"loss":null,"score":null,"prediction":[1]}"#,
            #"{"type":"joined","step":1,"tick":2,"key":2,"loss":0.1,"score":0.5,"prediction":[1],"target":[1],"time":1.5}"#,
        ]
        #expect(try PayloadSchema.prediction.problems(in: valid) == nil)
        for payload in broken {
            #expect(try PayloadSchema.prediction.problems(in: [payload]) != nil, "\(payload) passed")
        }
        #expect(try PayloadSchema.alert.problems(in: [#"{"type":"alert","alert":"drift","step":1,"line":1,"detector":"x"}"#]) != nil)
        let alert = #""alert":"drift","step":1,"line":1,"detector":"cusum","kind":"increase","statistic":1,"threshold":1,"reaction":"none"}"#
        #expect(try PayloadSchema.alert.problems(in: ["{" + alert]) != nil, "an alert without its type")
        #expect(try PayloadSchema.alert.problems(in: [#"{"type":"alert","# + alert]) == nil)
        #expect(try PayloadSchema.errors.problems(in: [#"{"topic":"a"}"#]) != nil)
    }
}
