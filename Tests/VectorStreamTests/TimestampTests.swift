import Foundation
import SeededRandom
import Testing
import VectorStream

@Suite("Timestamps")
struct TimestampTests {
    private static let named = VectorReaderOptions(timestampColumn: .named("t"))

    /// The timestamp the reader makes of `field` in a CSV column `t`, or its error message.
    private static func timestamp(of field: String) throws -> Result<Double?, SourceError> {
        let result = try read("t,v\n\"\(field)\",1\n", options: named)
        if let error = result.errors.first { return .failure(error) }
        return .success(result.records.first?.time)
    }

    @Test(
        "ISO-8601-like text and plain numbers become epoch seconds (UTC)",
        arguments: [
            ("2014-04-01 00:00:00", 1_396_310_400.0), ("2014-04-01T00:00:00Z", 1_396_310_400),
            ("2014-04-01t00:00:00z", 1_396_310_400), ("2014-04-01", 1_396_310_400), ("2014-04-01 00:00", 1_396_310_400),
            ("2014-04-01T02:00:00+02:00", 1_396_310_400), ("2014-03-31T19:00:00-05:00", 1_396_310_400),
            ("2014-04-01T05:30:00+0530", 1_396_310_400), ("2014-04-01T01:00:00+01", 1_396_310_400),
            ("2014-04-01T00:00:00.25Z", 1_396_310_400.25), ("2014-04-01 00:00:00,5", 1_396_310_400.5),
            ("1396310400", 1_396_310_400), ("1396310400.125", 1_396_310_400.125), ("-1.5", -1.5),
            ("1969-12-31T23:59:59Z", -1), ("2000-02-29 12:00:00", 951_825_600), ("2400-02-29", 13_574_563_200),
            ("0001-01-01", -62_135_596_800), ("9999-12-31 23:59:59", 253_402_300_799),
        ])
    func accepted(field: String, seconds: Double) throws {
        #expect(try Self.timestamp(of: field).get() == seconds, "\(field)")
    }

    @Test(
        "text that is not a real date and time is a recoverable error naming the column and the text",
        arguments: [
            "yesterday", "2014-13-01", "2014-00-10", "2014-04-31", "1900-02-29", "2014-04-01 24:00:00", "2014-04-01 00:60",
            "2014-04-01 00:00:61", "2014-04-01T00:00:00.", "2014-04-01T00:00:00+2", "2014-04-01T00:00:00+24:00",
            "2014-04-01T00:00:00 Z", "2014-4-1", "2014-04-01T", "nan", "",
        ])
    func rejected(field: String) throws {
        let text = "t,v\n\"\(field)\",1\n2014-04-01,2\n"
        let result = try read(text, options: Self.named)
        let error = try #require(result.errors.first, "\(field) was accepted")
        #expect(error.isRecoverable && error.position == 2)
        let expected = field.isEmpty ? #"column "t" is empty"# : #"column "t": "\#(field)" is not a timestamp (expected"#
        #expect(error.message.hasPrefix(expected), "\(error.message)")
        #expect(result.records.map(\.position) == [3], "the next line is read")
    }

    @Test("the date arithmetic agrees with Foundation's Gregorian calendar on random dates")
    func agreesWithCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var random = SplitMix64(seed: 7)
        var text = "t\n"
        var expected: [Double] = []
        for _ in 0..<200 {
            // Foundation switches to the Julian calendar before October 1582.
            let parts = DateComponents(
                year: Int.random(in: 1600...9999, using: &random), month: Int.random(in: 1...12, using: &random),
                day: Int.random(in: 1...28, using: &random), hour: Int.random(in: 0...23, using: &random),
                minute: Int.random(in: 0...59, using: &random), second: Int.random(in: 0...59, using: &random))
            expected.append(try #require(calendar.date(from: parts)).timeIntervalSince1970)
            text += String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ\n", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
                parts.second!)
        }
        let result = try read(text, options: Self.named)
        #expect(result.errors.isEmpty, "\(result.errors.prefix(3))")
        let wrong = zip(result.records, expected).filter { $0.time != $1 }
        #expect(result.records.count == expected.count && wrong.isEmpty, "\(wrong.prefix(3))")
    }

    @Test("automatic: a column named timestamp, else time, else none; the timestamp column reads as NaN")
    func automatic() throws {
        let automatic = VectorReaderOptions(timestampColumn: .automatic)
        let both = try read("time,timestamp,v\n5,2014-04-01,1\n", options: automatic)
        #expect(both.timestampColumn == "timestamp")
        #expect(both.records.first?.time == 1_396_310_400)
        #expect(both.records.first.map { $0.values[0] == 5 && $0.values[1].isNaN && $0.values[2] == 1 } == true)
        let time = try read("v,time\n1,60\n", options: automatic)
        #expect(time.timestampColumn == "time" && time.records.first?.time == 60)
        let none = try read("Timestamp,v\n1,2\n", options: automatic)
        #expect(none.timestampColumn == nil && none.records.first?.time == nil)
        #expect(none.records.first?.values == [1, 2])
    }

    @Test("automatic: a column left out by name is not the timestamp, so its text is never read")
    func automaticSkipsIgnored() throws {
        let text = "timestamp,time,v\nyesterday,60,1\n"
        let ignored = try read(
            text, options: VectorReaderOptions(timestampColumn: .automatic, parsedColumns: .allExcept(["timestamp"])))
        #expect(ignored.errors.isEmpty, "\(ignored.errors)")
        #expect(ignored.timestampColumn == "time" && ignored.records.first?.time == 60)
        // Not listed in .only is not the same as ignored: the inputs are listed, the time is not.
        let listed = try read(text, options: VectorReaderOptions(timestampColumn: .automatic, parsedColumns: .only(["v"])))
        #expect(listed.timestampColumn == "timestamp")
        #expect(listed.errors.first?.message.hasPrefix(#"column "timestamp": "yesterday" is not a timestamp"#) == true)
    }

    @Test("a named timestamp column that the input lacks is fatal")
    func namedMissing() throws {
        let result = try read("a,b\n1,2\n", options: VectorReaderOptions(timestampColumn: .named("when")))
        #expect(result.errors.map(\.description) == [#"line 1: no column named "when" for the timestamp; the columns are a, b"#])
        #expect(result.errors.first?.isRecoverable == false)
        let json = try read(#"{"a": 1}"# + "\n", suffix: ".jsonl", options: VectorReaderOptions(timestampColumn: .named("when")))
        #expect(json.errors.first?.isRecoverable == false)
    }

    @Test("JSON lines: the timestamp may be a string or a number, in any key position")
    func jsonLines() throws {
        let lines = """
            {"value": 1, "time": "2014-04-01 00:05:00"}
            {"time": 1396310700.5, "value": 2}
            {"value": 3, "time": true}
            {"value": 4, "time": "2014-04-31"}

            """
        let result = try read(lines, suffix: ".jsonl", options: VectorReaderOptions(timestampColumn: .automatic))
        #expect(result.timestampColumn == "time")
        #expect(result.records.map(\.time) == [1_396_310_700, 1_396_310_700.5])
        #expect(result.records.map { $0.values[0] } == [1, 2])
        let messages = result.errors.map(\.description)
        #expect(messages.count == 2)
        #expect(messages.first?.hasPrefix(#"line 3: field "time": true is not a timestamp (expected"#) == true, "\(messages)")
        #expect(messages.last?.hasPrefix(#"line 4: field "time": "2014-04-31" is not a timestamp"#) == true, "\(messages)")
    }
}
