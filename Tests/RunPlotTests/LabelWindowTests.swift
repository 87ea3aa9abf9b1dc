import TestSupport
import Testing

@testable import RunPlot

@Suite struct LabelWindowTests {
    @Test("NAB's timestamps parse with and without fractions, and print back")
    func timestamps() throws {
        let start = try #require(Timestamp.seconds("2014-10-30 15:30:00.000000"))
        #expect(start == 1_414_683_000)
        #expect(Timestamp.seconds("2014-10-30 15:30:00") == start)
        #expect(Timestamp.seconds("2014-10-30T15:30:00Z") == start)
        #expect(Timestamp.seconds("2014-10-30 15:30:00.5") == start + 0.5)
        #expect(Timestamp.seconds("1970-01-01") == 0)
        #expect(Timestamp.seconds("2014-13-01 00:00:00") == nil)
        // The grammar of hamlet learn's time column: a plain number is epoch seconds.
        #expect(Timestamp.seconds("12345") == 12345)
        #expect(Timestamp.seconds("2014-10-30 noon") == nil)
        #expect(Timestamp.text(start, withTime: true) == "2014-10-30 15:30")
        #expect(Timestamp.text(Timestamp.seconds("2016-02-29 00:00:00")!, withTime: false) == "2016-02-29")
    }

    @Test("a window maps to the steps of the first and last record inside it")
    func windowToSteps() throws {
        // Half-hourly records from 2014-10-30 00:00, one step each, starting at step 10.
        let origin = try #require(Timestamp.seconds("2014-10-30 00:00:00"))
        let timeline = (0..<200).map { (step: 10 + $0, time: origin + Double($0) * 1800) }
        let window = LabelWindow(
            start: try #require(Timestamp.seconds("2014-10-30 15:30:00.000000")), end: try #require(Timestamp.seconds("2014-10-31 01:00:00")))
        #expect(window.steps(on: timeline) == 41...60)
        let between = LabelWindow(start: origin + 900, end: origin + 1000)
        #expect(between.steps(on: timeline) == nil, "no record falls inside a quarter hour between two records")
        let overlapping = LabelWindow(start: origin - 86_400, end: origin + 3600)
        #expect(overlapping.steps(on: timeline) == 10...12, "a window that starts before the run is cut at its first record")
    }

    @Test("the labels key defaults to the input path's last two components; a miss lists near matches")
    func keys() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let path = try directory.write(
            "labels.json",
            """
            {"realKnownCause/nyc_taxi.csv": [["2014-10-30 15:30:00.000000", "2014-11-03 22:30:00.000000"]],
             "realKnownCause/machine_temperature_system_failure.csv": [],
             "artificialWithAnomaly/art_daily_jumpsup.csv": [["2014-04-11 09:00:00.000000", "2014-04-11 19:00:00.000000"]]}
            """)
        let labels = try LabelFile.read(path: path)
        let windows = try labels.windows(key: nil, inputPath: "/work/shared/nab/data/realKnownCause/nyc_taxi.csv")
        #expect(windows.count == 1)
        #expect(windows.first?.end == Timestamp.seconds("2014-11-03 22:30:00"))
        let example = "artificialWithAnomaly/art_daily_jumpsup.csv"
        #expect(throws: PlotError.labelsKeyNotFound(key: "data/nyc_taxi.csv", nearMatches: ["realKnownCause/nyc_taxi.csv"], example: example)) {
            try labels.windows(key: nil, inputPath: "/tmp/data/nyc_taxi.csv")
        }
        #expect(throws: PlotError.labelsKeyNotFound(key: "tmp/taxi.csv", nearMatches: ["realKnownCause/nyc_taxi.csv"], example: example)) {
            try labels.windows(key: nil, inputPath: "/tmp/taxi.csv")
        }
        #expect(throws: PlotError.labelsKeyNotFound(key: "art/art_daily_jumpup.csv", nearMatches: [example], example: example)) {
            try labels.windows(key: "art/art_daily_jumpup.csv", inputPath: nil)
        }
        #expect(throws: PlotError.labelsKeyNotFound(key: "x/pump.csv", nearMatches: [], example: example)) {
            try labels.windows(key: "x/pump.csv", inputPath: nil)
        }
        #expect(throws: PlotError.labelsKeyUnknown) { try labels.windows(key: nil, inputPath: nil) }
        let broken = try directory.write("broken.json", #"{"a.csv": [["2014-01-01", "soon"]]}"#)
        #expect(throws: PlotError.self) { try LabelFile.read(path: broken) }
    }
}
