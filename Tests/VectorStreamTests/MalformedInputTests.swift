import Testing
import VectorStream

/// One malformed input with every outcome the reader must produce for it, in order.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    var suffix = ".txt"
    var maxLineBytes = 1 << 20
    let expected: [Outcome]

    init(_ name: String, _ text: String, suffix: String = ".txt", maxLineBytes: Int = 1 << 20, _ expected: [Outcome]) {
        self.init(name, Array(text.utf8), suffix: suffix, maxLineBytes: maxLineBytes, expected)
    }

    init(_ name: String, _ input: [UInt8], suffix: String = ".txt", maxLineBytes: Int = 1 << 20, _ expected: [Outcome]) {
        (self.name, self.input, self.suffix, self.maxLineBytes) = (name, input, suffix, maxLineBytes)
        self.expected = expected
    }

    var testDescription: String { name }
}

private let header = "a,b,c\n"

let csvCases: [MalformedCase] = [
    MalformedCase(
        "non-numeric field", header + "1,2,3\n1,abc,3\n4,5,6\n",
        [.record(2, [1, 2, 3]), .error(3, "column \"b\": \"abc\" is not a number"), .record(4, [4, 5, 6])]),
    MalformedCase(
        "trailing garbage after a number", header + "1,2x,3\n4,5,6\n",
        [.error(2, "column \"b\": \"2x\" is not a number"), .record(3, [4, 5, 6])]),
    MalformedCase(
        "hexadecimal is not accepted", header + "0x10,2,3\n4,5,6\n",
        [.error(2, "column \"a\": \"0x10\" is not a number"), .record(3, [4, 5, 6])]),
    MalformedCase(
        "NaN", header + "1,NaN,3\n1,-nan,3\n4,5,6\n",
        [
            .error(2, "column \"b\": \"NaN\" is not a finite number"),
            .error(3, "column \"b\": \"-nan\" is not a finite number"), .record(4, [4, 5, 6]),
        ]),
    MalformedCase(
        "infinity", header + "inf,2,3\n1,2,-Infinity\n4,5,6\n",
        [
            .error(2, "column \"a\": \"inf\" is not a finite number"),
            .error(3, "column \"c\": \"-Infinity\" is not a finite number"), .record(4, [4, 5, 6]),
        ]),
    MalformedCase(
        "overflow", header + "1,2,1e999\n4,5,6\n",
        [.error(2, "column \"c\": \"1e999\" is out of range for a Double"), .record(3, [4, 5, 6])]),
    MalformedCase(
        "empty fields", header + "1,,3\n1, ,3\n\"\",2,3\n1,2,\n4,5,6\n",
        [
            .error(2, "column \"b\" is empty"), .error(3, "column \"b\" is empty"), .error(4, "column \"a\" is empty"),
            .error(5, "column \"c\" is empty"), .record(6, [4, 5, 6]),
        ]),
    MalformedCase(
        "wrong field count", "timestamp,x,y,z\n1,2,3\n1,2,3,4,5\n1,2,3,4\n",
        [
            .error(2, "expected 4 fields (timestamp, x, y, z), found 3"),
            .error(3, "expected 4 fields (timestamp, x, y, z), found 5"), .record(4, [1, 2, 3, 4]),
        ]),
    MalformedCase(
        "single column field count", "x\n1,2\n3\n",
        [.error(2, "expected 1 field (x), found 2"), .record(3, [3])]),
    MalformedCase(
        "unterminated and misplaced quotes", header + "1,\"2,3\n1,\"2\"x,3\n4,5,6\n",
        [
            .error(2, "unterminated quoted field in column 2"),
            .error(3, "unexpected text after the closing quote in column 2"), .record(4, [4, 5, 6]),
        ]),
    MalformedCase(
        "invalid UTF-8 in a field", Array(header.utf8) + [0x31, 0x2C, 0xFF, 0x32, 0x2C, 0x33, 0x0A] + Array("4,5,6\n".utf8),
        [.error(2, "column \"b\": \"\\xFF2\" is not a number"), .record(3, [4, 5, 6])]),
    MalformedCase(
        "a long bad field is shortened in the message", header + "1,\(String(repeating: "z", count: 100)),3\n4,5,6\n",
        [
            .error(2, "column \"b\": \"\(String(repeating: "z", count: 40))…\" is not a number"),
            .record(3, [4, 5, 6]),
        ]),
    MalformedCase(
        "duplicate header name is fatal", "a,b,a\n1,2,3\n",
        [.error(1, "header: duplicate column name \"a\" (columns 1 and 3)")]),
    MalformedCase(
        "empty header name is fatal", "\na, ,c\n1,2,3\n",
        [.error(2, "header: column 2 has an empty name")]),
    MalformedCase(
        "header with invalid UTF-8 is fatal", [0x61, 0x2C, 0xC3, 0x28, 0x0A, 0x31, 0x2C, 0x32, 0x0A],
        [.error(1, "header: column 2 name \"\\xC3(\" is not valid UTF-8")]),
]

let jsonCases: [MalformedCase] = [
    MalformedCase(
        "invalid JSON", "[1,2]\n[1,2\n[1,,2]\n{\"a\":1}\nhello\n[1,2] x\n[3,4]\n",
        [
            .record(1, [1, 2]),
            .error(2, "not valid JSON: expected ',' or ']' at column 5, found the end of the line"),
            .error(3, "not valid JSON: expected a value at column 4, found ','"),
            .error(4, "expected a JSON array like the first record, found an object"),
            .error(5, "not valid JSON: expected a value at column 1, found 'h'"),
            .error(6, "not valid JSON: expected the end of the line at column 7, found 'x'"),
            .record(7, [3, 4]),
        ]),
    MalformedCase(
        "invalid JSON in objects", "{\"a\":1,\"b\":2}\n{\"a\":1,}\n{a:1}\n{\"a\" 1}\n{\"a\":01,\"b\":2}\n{\"a\":1,\"b\":2}\n",
        [
            .record(1, [1, 2]),
            .error(2, "not valid JSON: expected a string key at column 8, found '}'"),
            .error(3, "not valid JSON: expected a string key at column 2, found 'a'"),
            .error(4, "not valid JSON: expected ':' at column 6, found '1'"),
            .error(5, "not valid JSON: expected ',' or '}' at column 7, found '1'"),
            .record(6, [1, 2]),
        ]),
    MalformedCase(
        "array length change", "[1,2]\n[1,2,3]\n[]\n[3,4]\n",
        [
            .record(1, [1, 2]), .error(2, "expected 2 numbers, found 3"), .error(3, "expected 2 numbers, found 0"),
            .record(4, [3, 4]),
        ]),
    MalformedCase(
        "missing key", "{\"a\":1,\"b\":2,\"c\":3}\n{\"a\":1}\n{\"c\":3,\"a\":1}\n{\"c\":3,\"b\":2,\"a\":1}\n",
        [
            .record(1, [1, 2, 3]), .error(2, "missing fields \"b\", \"c\""), .error(3, "missing field \"b\""),
            .record(4, [1, 2, 3]),
        ]),
    MalformedCase(
        "extra key", "{\"a\":1,\"b\":2,\"c\":3}\n{\"a\":1,\"b\":2,\"c\":3,\"foo\":4}\n{\"a\":1,\"bb\":2,\"c\":3,\"d\":5}\n{\"a\":1,\"b\":2,\"c\":3}\n",
        [
            .record(1, [1, 2, 3]), .error(2, "unexpected field \"foo\"; the columns are a, b, c"),
            .error(3, "unexpected fields \"bb\", \"d\"; the columns are a, b, c"), .record(4, [1, 2, 3]),
        ]),
    MalformedCase(
        "duplicate key", "{\"a\":1,\"a\":2}\n{\"a\":1,\"b\":2}\n{\"b\":1,\"a\":2,\"b\":3}\n",
        [
            .error(1, "duplicate field \"a\""), .record(2, [1, 2]), .error(3, "duplicate field \"b\""),
        ]),
    MalformedCase(
        "non-number values", "{\"a\":\"x\",\"b\":2}\n{\"a\":1,\"b\":{\"c\":[1]}}\n{\"a\":1,\"b\":2}\n[1,null]\n{\"a\":true,\"b\":2}\n",
        [
            .error(1, "field \"a\": expected a number, found a string"),
            .error(2, "field \"b\": expected a number, found an object"),
            .record(3, [1, 2]),
            .error(4, "expected a JSON object like the first record, found an array"),
            .error(5, "field \"a\": expected a number, found true"),
        ]),
    MalformedCase(
        "non-number array elements", "[1,\"2\"]\n[1,[2]]\n[1,2]\n[false,2]\n",
        [
            .error(1, "column \"x1\": expected a number, found a string"),
            .error(2, "column \"x1\": expected a number, found an array"),
            .record(3, [1, 2]),
            .error(4, "column \"x0\": expected a number, found false"),
        ]),
    MalformedCase(
        "NaN, Infinity and overflow", "{\"a\":NaN,\"b\":1}\n{\"a\":1,\"b\":-Infinity}\n[Infinity]\n[1e400]\n{\"a\":1,\"b\":2}\n",
        [
            .error(1, "field \"a\": NaN is not a finite number"),
            .error(2, "field \"b\": -Infinity is not a finite number"),
            .error(3, "column \"x0\": Infinity is not a finite number"),
            .error(4, "column \"x0\": 1e400 is out of range for a Double"),
            .record(5, [1, 2]),
        ]),
    MalformedCase(
        "top level that is not a record", "5\n\"a\"\n{}\n[1]\n",
        [
            .error(1, "expected a JSON array or object, found a number"),
            .error(2, "expected a JSON array or object, found a string"),
            .error(3, "the record is empty"), .record(4, [1]),
        ]),
    MalformedCase(
        "invalid UTF-8 in a key", [UInt8]("[1]\n{\"".utf8) + [0xE2, 0x82] + [UInt8]("\":1}\n[2]\n".utf8),
        [
            .record(1, [1]), .error(2, "not valid JSON: invalid UTF-8 in a string at column 3"), .record(3, [2]),
        ]),
    MalformedCase(
        "bad escapes", "{\"a\\q\":1}\n{\"\\ud800\":1}\n{\"a\":1}\n",
        [
            .error(1, "not valid JSON: expected an escape character at column 5, found 'q'"),
            .error(2, "not valid JSON: expected a low surrogate escape at column 9, found '\"'"),
            .record(3, [1]),
        ]),
    MalformedCase(
        "deep nesting", "[" + String(repeating: "[", count: 100) + String(repeating: "]", count: 101) + "\n[1]\n",
        [.error(1, "values nested more than 64 levels deep at column 65"), .record(2, [1])]),
]

let lineCases: [MalformedCase] = [
    MalformedCase(
        "over-long line", header + "1,2,3\n" + String(repeating: "9", count: 100) + "\n4,5,6\n", maxLineBytes: 32,
        [.record(2, [1, 2, 3]), .error(3, "line is longer than 32 bytes"), .record(4, [4, 5, 6])]),
    MalformedCase(
        "over-long line spanning many reads", header + String(repeating: "1,", count: 300_000) + "\n4,5,6\n",
        maxLineBytes: 64,
        [.error(2, "line is longer than 64 bytes"), .record(3, [4, 5, 6])]),
    MalformedCase(
        "over-long last line without newline", header + "1,2,3\n" + String(repeating: "9", count: 200_000), maxLineBytes: 100,
        [.record(2, [1, 2, 3]), .error(3, "line is longer than 100 bytes")]),
    MalformedCase(
        "a line of exactly the limit is fine, with or without CR", "abcdefgh\r\n12345678\n123456789\r\n87654321\r\n",
        maxLineBytes: 8,
        [.record(2, [12_345_678]), .error(3, "line is longer than 8 bytes"), .record(4, [87_654_321])]),
    MalformedCase(
        "over-long CSV header is fatal", String(repeating: "h", count: 50) + "\n1\n", maxLineBytes: 10,
        [.error(1, "line is longer than 10 bytes, so the column names cannot be read")]),
    MalformedCase("empty input", "", []),
    MalformedCase("only blank lines", "\n \r\n\t\n\n", []),
]

@Suite("Malformed input")
struct MalformedInputTests {
    @Test("CSV errors name the line and column; the reader continues", arguments: csvCases)
    func csv(_ testCase: MalformedCase) throws {
        let (_, result) = try outcomes(of: testCase.input, suffix: ".csv", maxLineBytes: testCase.maxLineBytes)
        #expect(result == testCase.expected)
    }

    @Test("JSON lines errors name the line and field; the reader continues", arguments: jsonCases)
    func jsonLines(_ testCase: MalformedCase) throws {
        let (_, result) = try outcomes(of: testCase.input, suffix: ".jsonl", maxLineBytes: testCase.maxLineBytes)
        #expect(result == testCase.expected)
    }

    @Test("Line-level problems and empty input", arguments: lineCases)
    func lines(_ testCase: MalformedCase) throws {
        let (columns, result) = try outcomes(of: testCase.input, suffix: ".csv", maxLineBytes: testCase.maxLineBytes)
        #expect(result == testCase.expected)
        if testCase.input.allSatisfy({ [0x0A, 0x0D, 0x20, 0x09].contains($0) }) { #expect(columns.isEmpty) }
    }

    @Test("A malformed first JSON record does not fix the columns; the next good one does")
    func firstJSONRecordBad() throws {
        let (columns, result) = try outcomes(of: "{\"a\":\"x\"}\n{\"p\":1,\"q\":2}\n", suffix: ".jsonl")
        #expect(result == [.error(1, "field \"a\": expected a number, found a string"), .record(2, [1, 2])])
        #expect(columns == ["p", "q"])
    }

    @Test("After a fatal error every call rethrows it")
    func fatalIsSticky() throws {
        try withTemporaryFile("a,a\n1,2\n", suffix: ".csv") { path in
            let reader = try VectorStreamReader(path: path)
            let first = #expect(throws: SourceError.self) { try reader.next() }
            let second = #expect(throws: SourceError.self) { try reader.next() }
            #expect(first != nil && first == second)
            #expect(first?.isRecoverable == false)
            #expect(reader.columns.isEmpty)
        }
    }

    @Test("description is \"line N: message\"")
    func errorDescription() throws {
        try withTemporaryFile("time,temp\n1,2\n\n1,abc\n", suffix: ".csv") { path in
            let reader = try VectorStreamReader(path: path)
            _ = try reader.next()
            let error = #expect(throws: SourceError.self) { try reader.next() }
            #expect(error?.description == "line 4: column \"temp\": \"abc\" is not a number")
            #expect(error?.isRecoverable == true)
            #expect(try reader.next() == nil)
        }
    }
}
