import Testing
import VectorStream

@Suite("CSV delimiters")
struct DelimiterTests {
    @Test(
        "the delimiter is detected from the header",
        arguments: [("a;b;c\n1;2;3\n", ";"), ("a\tb\tc\n1\t 2 \t3\n", "tab"), ("a,b,c\n1,2,3\n", ",")])
    func detected(text: String, name: String) throws {
        let result = try read(text, options: VectorReaderOptions())
        #expect(result.columns == ["a", "b", "c"], "\(name)")
        #expect(result.records.map(\.values) == [[1, 2, 3]], "\(name): \(result.errors)")
    }

    @Test("quoted separators in the header do not count, and a tie goes to the comma")
    func detectionDetails() throws {
        let quoted = try read("\"x;y;z\",b\n1,2\n", options: VectorReaderOptions())
        #expect(quoted.columns == ["x;y;z", "b"])
        let tie = try read("a;b,c\n1;2,3\n", options: VectorReaderOptions())
        #expect(tie.columns == ["a;b", "c"])
    }

    @Test("a given delimiter overrides detection")
    func given() throws {
        let result = try read("a,1;b,2\n1,5;2,5\n", options: VectorReaderOptions(delimiter: UInt8(ascii: ";")))
        #expect(result.columns == ["a,1", "b,2"])
        #expect(result.errors.map(\.description) == [#"line 2: column "a,1": "1,5" is not a number"#])
    }

    @Test("a single-column file has no delimiter to detect")
    func singleColumn() throws {
        let result = try read("value\n1.5\n2.5\n", options: VectorReaderOptions())
        #expect(result.columns == ["value"])
        #expect(result.records.map(\.values) == [[1.5], [2.5]])
    }
}
