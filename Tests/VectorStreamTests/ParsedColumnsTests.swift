import Testing
import VectorStream

@Suite("Columns left unparsed")
struct ParsedColumnsTests {
    private let text = "timestamp,id,value\n2014-04-01 00:00:00,pump-7,1.5\nnot a date,pump-8,2.5\n"

    @Test("CSV: a column left out of parsedColumns may hold text and reads as NaN")
    func csvAllExcept() throws {
        let result = try read(text, options: VectorReaderOptions(parsedColumns: .allExcept(["timestamp", "id"])))
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.records.map(\.position) == [2, 3])
        #expect(result.records.map { $0.values[2] } == [1.5, 2.5])
        #expect(result.records.allSatisfy { $0.values[0].isNaN && $0.values[1].isNaN })
    }

    @Test("CSV: .only parses just the named columns, and an empty unparsed field is fine")
    func csvOnly() throws {
        let result = try read(text + ",,3.5\n", options: VectorReaderOptions(parsedColumns: .only(["value"])))
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.records.map { $0.values[2] } == [1.5, 2.5, 3.5])
    }

    @Test("CSV: the parsed columns are still checked")
    func csvParsedStillChecked() throws {
        let result = try read(
            "id,value\npump,abc\npump,2\n", options: VectorReaderOptions(parsedColumns: .allExcept(["id"])))
        #expect(result.errors.map(\.description) == [#"line 2: column "value": "abc" is not a number"#])
        #expect(result.records.map { $0.values[1] } == [2])
    }

    @Test("JSON lines: an unparsed field may be any JSON value")
    func jsonObjects() throws {
        let lines = """
            {"id": "pump-7", "tags": {"site": [1, 2]}, "value": 1.5}
            {"value": 2.5, "tags": null, "id": 8}

            """
        let result = try read(lines, suffix: ".jsonl", options: VectorReaderOptions(parsedColumns: .only(["value"])))
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.columns == ["id", "tags", "value"])
        #expect(result.records.map { $0.values[2] } == [1.5, 2.5])
        #expect(result.records.allSatisfy { $0.values[0].isNaN && $0.values[1].isNaN })
    }

    @Test("without options every column is parsed, as before")
    func defaultParsesAll() throws {
        let result = try read(text, options: VectorReaderOptions())
        let message = result.errors.first?.description ?? ""
        #expect(message.hasPrefix(#"line 2: column "timestamp": "2014-04-01 00:00:00" is not a number"#), "\(message)")
        #expect(result.timestampColumn == nil)
    }
}
