import Foundation
import Testing
import VectorStream

@Suite("Well-formed input")
struct ParsingTests {
    @Test("CSV: CRLF, blank lines, quotes, signs, exponents, no final newline")
    func csvVariety() throws {
        let text =
            "\u{FEFF} timestamp , \"x\",y ,z\r\n"
            + "\r\n"
            + "1,2.5,-3,4e2\r\n"
            + "   \n"
            + "2, \"1.5\" ,+0.25,-1.5E-3\n"
            + "3,.5,5.,\" -7 \"\n"
            + "\t\n"
            + "4,1e308,-0,2.2250738585072014e-308"
        let (columns, result) = try outcomes(of: text, suffix: ".csv")
        #expect(columns == ["timestamp", "x", "y", "z"])
        #expect(
            result == [
                .record(3, [1, 2.5, -3, 400]),
                .record(5, [2, 1.5, 0.25, -0.0015]),
                .record(6, [3, 0.5, 5, -7]),
                .record(8, [4, 1e308, -0.0, 2.2250738585072014e-308]),
            ])
    }

    @Test("CSV: quoted header names may hold commas and doubled quotes")
    func csvQuotedHeader() throws {
        let (columns, result) = try outcomes(of: "\"a,b\",\"say \"\"hi\"\"\"\n1,2\n", suffix: ".csv")
        #expect(columns == ["a,b", "say \"hi\""])
        #expect(result == [.record(2, [1, 2])])
    }

    @Test("CSV: a header with no data lines gives columns and no records")
    func csvHeaderOnly() throws {
        let (columns, result) = try outcomes(of: "a,b\n\n", suffix: ".csv")
        #expect(columns == ["a", "b"])
        #expect(result.isEmpty)
    }

    @Test("JSON lines: arrays, with CRLF, blank lines and no final newline")
    func jsonArrays() throws {
        let text = "[1, -2.5, 3e2]\r\n\n  [ 0 , 1E-2 , -0.0 ]  \n[1.7976931348623157e308,-4,5]"
        let (columns, result) = try outcomes(of: text, suffix: ".jsonl")
        #expect(columns == ["x0", "x1", "x2"])
        #expect(
            result == [
                .record(1, [1, -2.5, 300]), .record(3, [0, 0.01, -0.0]),
                .record(4, [1.7976931348623157e308, -4, 5]),
            ])
    }

    @Test("JSON lines: objects keep the first record's key order; later records may reorder keys")
    func jsonObjects() throws {
        let text = """
            {"zeta": 1, "alpha": 2.5, "t\\u00e9mp": -3}
            {"alpha": 4, "t\u{E9}mp": 6, "zeta": 5}

            {"zeta":7,"alpha":8,"t\u{E9}mp":9e-1}
            """
        let (columns, result) = try outcomes(of: text, suffix: ".ndjson")
        #expect(columns == ["zeta", "alpha", "t\u{E9}mp"])
        #expect(result == [.record(1, [1, 2.5, -3]), .record(2, [5, 4, 6]), .record(4, [7, 8, 0.9])])
    }

    @Test("Format comes from the extension, else from the first non-blank character")
    func formatDetection() throws {
        #expect(VectorFormat(fileExtensionOf: "/data/run.csv") == .csv)
        #expect(VectorFormat(fileExtensionOf: "RUN.CSV") == .csv)
        #expect(VectorFormat(fileExtensionOf: "a.jsonl") == .jsonLines)
        #expect(VectorFormat(fileExtensionOf: "a.ndjson") == .jsonLines)
        #expect(VectorFormat(fileExtensionOf: "a.json") == .jsonLines)
        #expect(VectorFormat(fileExtensionOf: "a.txt") == nil)
        #expect(VectorFormat(fileExtensionOf: "dir.csv/data") == nil)
        #expect(VectorFormat(fileExtensionOf: ".csv") == nil)
        #expect(VectorFormat(rawValue: "jsonl") == .jsonLines)

        try withTemporaryFile("\n  {\"a\": 1}\n", suffix: ".txt") { path in
            let reader = try VectorStreamReader(path: path)
            #expect(reader.format == nil)
            #expect(try reader.next() == Sample(position: 2, values: [1]))
            #expect(reader.format == .jsonLines)
        }
        try withTemporaryFile("[1,2]\n", suffix: ".data") { path in
            let record = try VectorStreamReader(path: path).next()
            #expect(record?.values == [1, 2])
        }
        try withTemporaryFile("a\n1\n", suffix: "") { path in
            let reader = try VectorStreamReader(path: path)
            #expect(try reader.next()?.values == [1])
            #expect(reader.format == .csv)
        }
        // An explicit format wins over the extension.
        try withTemporaryFile("a,b\n1,2\n", suffix: ".json") { path in
            let reader = try VectorStreamReader(path: path, format: .csv)
            #expect(try reader.next()?.values == [1, 2])
        }
    }

    @Test("A descriptor passed in is read with sniffing, like standard input")
    func fileDescriptorInit() throws {
        try withTemporaryFile("{\"a\": 1, \"b\": 2}\n", suffix: ".csv") { path in
            let fd = open(path, O_RDONLY)
            #expect(fd >= 0)
            defer { close(fd) }
            let reader = VectorStreamReader(fileDescriptor: fd)
            #expect(drain(reader) == [.record(1, [1, 2])])
            #expect(reader.columns == ["a", "b"])
        }
    }

    @Test("columnIndices maps names to positions and names a missing column")
    func columnIndices() throws {
        try withTemporaryFile("time,x,y\n1,2,3\n", suffix: ".csv") { path in
            let reader = try VectorStreamReader(path: path)
            #expect(throws: SourceError.self) { try reader.columnIndices(of: ["x"]) }
            _ = try reader.next()
            #expect(try reader.columnIndices(of: ["y", "time"]) == [2, 0])
            let error = #expect(throws: SourceError.self) { try reader.columnIndices(of: ["x", "temp"]) }
            #expect(error?.description == "no column named \"temp\"; the columns are time, x, y")
            #expect(error?.position == nil)
        }
    }

    @Test("Errors not tied to a line have no line number")
    func openErrors() throws {
        let missing = #expect(throws: SourceError.self) {
            try VectorStreamReader(path: "/nonexistent/x.csv")
        }
        #expect(missing?.position == nil)
        #expect(missing?.description == "cannot open /nonexistent/x.csv: No such file or directory")
        let directory = #expect(throws: SourceError.self) { try VectorStreamReader(path: "/tmp") }
        #expect(directory?.description == "cannot read /tmp: Is a directory")
    }
}
