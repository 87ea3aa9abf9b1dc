import SeededRandom
import StreamFeatures
import Testing

/// Every accepted payload form gives exact values; every malformed one gives its specific error.
@Suite struct SensorPayloadParserTests {
    let topic = "plant/pump1"

    func parse(_ text: String, _ parser: SensorPayloadParser = SensorPayloadParser()) throws(SensorPayloadError) -> SensorReading {
        try parser.parse(Array(text.utf8), topic: topic)
    }

    func error(_ bytes: [UInt8], _ parser: SensorPayloadParser = SensorPayloadParser()) -> SensorPayloadError? {
        do {
            _ = try parser.parse(bytes, topic: topic)
            return nil
        } catch { return error }
    }

    @Test("JSON: bare number, array, object, timestamp in seconds and milliseconds")
    func jsonAccepted() throws {
        #expect(try parse("21.5") == SensorReading(values: [21.5]))
        #expect(try parse(" [1, 2, -3e2 ]\n") == SensorReading(values: [1, 2, -300]))
        #expect(try parse("[]") == SensorReading(values: []))
        #expect(try parse(#"{"temp": 21.5, "hum": 40}"#) == SensorReading(values: [21.5, 40], fieldNames: ["temp", "hum"]))
        #expect(try parse(#"{"t\u00e9mp\n": 1}"#).fieldNames == ["t\u{e9}mp\n"])
        let seconds = SensorPayloadParser(timestampField: "ts")
        #expect(try parse(#"{"ts": 1718000000.5, "temp": 1}"#, seconds)
            == SensorReading(values: [1], fieldNames: ["temp"], timestamp: 1_718_000_000.5))
        let millis = SensorPayloadParser(timestampField: "ts", timestampUnit: .milliseconds)
        #expect(try parse(#"{"temp": 1, "ts": 1718000000250}"#, millis).timestamp == 1_718_000_000.25)
        #expect(try parse("1e-50") == SensorReading(values: [0]))  // underflow rounds to 0
    }

    @Test("CSV: one line, optional newline, spaces around numbers")
    func csvAccepted() throws {
        let csv = SensorPayloadParser(format: .csv)
        #expect(try parse("1.5,2,3", csv).values == [1.5, 2, 3])
        #expect(try parse(" -1 , +2.25e1,007\r\n", csv).values == [-1, 22.5, 7])
        #expect(try parse("4\n", csv).values == [4])
    }

    @Test("float32 little-endian: exact bit patterns")
    func float32Accepted() throws {
        let parser = SensorPayloadParser(format: .float32LittleEndian)
        let values: [Float] = [1.5, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let bytes = values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let parsed = try parser.parse(bytes, topic: topic).values
        #expect(parsed.map(\.bitPattern) == values.map(\.bitPattern))
    }

    static let malformedJSONCases: [(String, SensorPayloadError.Reason, String)] = [
        ("[1, 2", .invalidJSON, "invalid JSON at byte 5"),
        ("{\"a\": 1,}", .invalidJSON, "expected a field name"),
        ("1 2", .invalidJSON, "after the value"),
        (#"{"temp": "hot"}"#, .wrongType, #"field "temp" is a string ("hot"); expected a number"#),
        (#""hot""#, .wrongType, "the payload is a string"),
        (#"{"on": true}"#, .wrongType, #"field "on" is a boolean (true); expected a number"#),
        ("[1, false]", .wrongType, "element 1 is a boolean (false)"),
        ("[null]", .wrongType, "element 0 is null"),
        (#"{"a": {"b": 1}}"#, .wrongType, #"field "a" is a nested object"#),
        ("[[1]]", .wrongType, "element 0 is a nested array"),
        ("NaN", .nonFinite, #"the payload is "NaN", not a finite number"#),
        ("[1, -Infinity]", .nonFinite, #"element 1 is "-Infinity""#),
        ("3.5e38", .outOfRange, "outside the Float range"),
        ("1e400", .outOfRange, "outside the Float range"),
        (#"{"a": 1, "a": 2}"#, .duplicateField, #"field "a" appears twice"#),
        ("01", .invalidJSON, "after the value"),
        ("1.", .invalidJSON, "cannot start a value"),
        ("tru", .invalidJSON, "unknown word"),
        ("\"abc", .invalidJSON, "unterminated string"),
    ]

    @Test("malformed JSON gets its specific error", arguments: malformedJSONCases)
    func malformedJSON(text: String, reason: SensorPayloadError.Reason, message: String) {
        let error = error(Array(text.utf8))
        #expect(error?.reason == reason, "\(String(describing: error))")
        #expect(error?.description.hasPrefix(#"topic "plant/pump1": "#) == true)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("size, encoding, count and timestamp limits")
    func limits() {
        #expect(error([]) == .empty(topic: topic))
        #expect(error([UInt8](repeating: 0x20, count: 65_537)) == .tooLarge(topic: topic, byteCount: 65_537, limit: 65_536))
        #expect(error([0x5B, 0xFF, 0x5D]) == .invalidUTF8(topic: topic))
        #expect(error([0x22, 0xC3, 0x28, 0x22], SensorPayloadParser(format: .csv)) == .invalidUTF8(topic: topic))
        let small = SensorPayloadParser(maximumValues: 3)
        #expect(error(Array("[1,2,3,4]".utf8), small) == .tooManyValues(topic: topic, limit: 3))
        #expect(error(Array(#"{"a":1,"b":2,"c":3,"d":4}"#.utf8), small)?.reason == .tooManyValues)
        #expect((try? parse("[1,2,3]", small))?.values == [1, 2, 3])
        let stamped = SensorPayloadParser(timestampField: "ts")
        #expect(error(Array(#"{"ts": "now", "a": 1}"#.utf8), stamped)?.reason == .invalidTimestamp)
        #expect(error(Array(#"{"ts": 1, "ts": 2}"#.utf8), stamped)?.reason == .duplicateField)
    }

    @Test("bad CSV and float32")
    func malformedCSVAndFloat32() {
        let csv = SensorPayloadParser(format: .csv)
        #expect(error(Array("1,,3".utf8), csv) == .csvNotANumber(topic: topic, column: 2, text: ""))
        #expect(error(Array("1,abc".utf8), csv) == .csvNotANumber(topic: topic, column: 2, text: "abc"))
        #expect(error(Array("1,2\n3".utf8), csv) == .csvMultipleLines(topic: topic))
        #expect(error(Array("1,nan".utf8), csv) == .nonFinite(topic: topic, location: .column(2), text: "nan"))
        #expect(error(Array("-inf".utf8), csv)?.reason == .nonFinite)
        #expect(error(Array("1e39".utf8), csv)?.reason == .outOfRange)
        #expect(error(Array("1,".utf8), csv)?.reason == .invalidCSV)
        let raw = SensorPayloadParser(format: .float32LittleEndian)
        #expect(error([0, 0, 0, 0, 0], raw) == .float32Misaligned(topic: topic, byteCount: 5))
        let nan = withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Array($0) }
        #expect(error([0, 0, 0, 0] + nan, raw) == .nonFinite(topic: topic, location: .element(1), text: "nan"))
        let infinity = withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian) { Array($0) }
        #expect(error(infinity, raw)?.reason == .nonFinite)
        #expect(error([UInt8](repeating: 0, count: 4 * 1_025), raw)?.reason == .tooManyValues)
    }

    @Test("10,000 seeded random payloads: every parser parses or throws, never traps")
    func fuzz() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("0123456789.,-+eE[]{}\":ntrufalsNIy \n\\".utf8)
        let parsers = SensorPayloadFormat.allCases.map { SensorPayloadParser(format: $0, timestampField: "t", maximumValues: 16) }
        var parsed = 0
        var rejected = 0
        for _ in 0..<10_000 {
            let count = Int(generator.next() % 40)
            let structured = generator.next() % 2 == 0
            let bytes = (0..<count).map { _ in
                structured ? alphabet[Int(generator.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: generator.next())
            }
            for parser in parsers {
                do {
                    let reading = try parser.parse(bytes, topic: topic)
                    #expect(reading.values.allSatisfy { $0.isFinite })
                    parsed += 1
                } catch {
                    #expect(!error.description.isEmpty)
                    rejected += 1
                }
            }
        }
        #expect(parsed + rejected == 30_000)
        #expect(parsed > 100)
    }
}
