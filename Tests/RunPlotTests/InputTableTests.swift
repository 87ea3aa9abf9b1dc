import TestSupport
import Testing

@testable import RunPlot

@Suite struct InputTableTests {
    static let csv = """
        timestamp,label,value,other
        2014-07-01 00:00:00,a,10844,1
        2014-07-01 00:30:00,b,8127,2

        2014-07-01 01:30:00,"c, quoted",6210,4

        """

    @Test("the default channel is the first numeric column that is not the time; values and times join on the file's line")
    func defaultChannel() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let table = try InputTable.read(path: try directory.write("in.csv", Self.csv), channel: nil)
        #expect(table.channel == "value")
        #expect(table.learnedIndex == 1, "the learner saw label, value, other once the timestamp was ignored")
        #expect(table.value(line: 2) == 10844)
        #expect(table.value(line: 3) == 8127)
        #expect(table.value(line: 4)?.isNaN == true, "a blank line keeps its number")
        #expect(table.value(line: 5) == 6210, "a quoted field with a comma stays one field")
        #expect(table.value(line: 1) == nil && table.value(line: 6) == nil)
        #expect(table.time(line: 3) == Timestamp.seconds("2014-07-01 00:30:00"))
    }

    @Test("--channel picks a column by name; an unknown name lists the columns")
    func namedChannel() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let path = try directory.write("in.csv", Self.csv)
        let table = try InputTable.read(path: path, channel: "other")
        #expect(table.value(line: 5) == 4)
        #expect(table.learnedIndex == 2)
        #expect(throws: PlotError.unknownChannel(name: "temp", columns: ["timestamp", "label", "value", "other"])) {
            try InputTable.read(path: path, channel: "temp")
        }
    }

    @Test("a table without timestamps has values but no times; one without numbers is an error")
    func withoutTimes() throws {
        let directory = try TemporaryDirectory(prefix: "hamlet-plot")
        let plain = try InputTable.read(path: try directory.write("plain.csv", "index,value\n0,1.5\n1,2.5\n"), channel: nil)
        #expect(plain.channel == "index")
        #expect(plain.times == nil)
        let words = try directory.write("words.csv", "time,name\n2014-07-01 00:00:00,pump\n")
        #expect(throws: PlotError.noNumericChannel(path: words, columns: ["time", "name"])) { try InputTable.read(path: words, channel: nil) }
        let header = try directory.write("header.csv", "a,b\n")
        #expect(throws: PlotError.emptyTable(path: header)) { try InputTable.read(path: header, channel: nil) }
    }
}
