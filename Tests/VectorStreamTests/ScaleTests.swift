import Foundation
import SeededRandom
import Testing
import VectorStream

@Suite("Scale")
struct ScaleTests {
    /// A value and one way of writing it; Swift's description round-trips exactly, so text and value agree.
    private static func generatedValue(_ random: inout SplitMix64) -> (Double, String) {
        switch random.next() % 4 {
        case 0:
            let value = Double(Int64(bitPattern: random.next()) % 1_000_000)
            return (value, String(Int64(value)))
        case 1:
            let value = Double(Int64(bitPattern: random.next()) % 2_000_000_000) / 1_000
            return (value, "\(value)")
        case 2:
            // Any finite bit pattern: huge and tiny exponents, subnormals, negative zero.
            var value = Double(bitPattern: random.next())
            while !value.isFinite { value = Double(bitPattern: random.next()) }
            return (value, "\(value)")
        default:
            let value = Double(Int64(bitPattern: random.next()) % 1_000_000) * 1e-9
            return (value, " \"\(value)\" ")
        }
    }

    /// Mixes the exact bits of every value, so any single wrong value changes the sum.
    private static func checksum(_ values: some Sequence<Double>) -> UInt64 {
        values.reduce(0) { ($0 &* 0x100_0000_01B3) ^ $1.bitPattern }
    }

    @Test("200,000 CSV lines of 8 columns match the generator bit for bit")
    func bigCSV() throws {
        let lineCount = 200_000
        let width = 8
        var random = SplitMix64(seed: 2024)
        var expected: [Double] = []
        expected.reserveCapacity(lineCount * width)
        var text: [UInt8] = []
        text.reserveCapacity(lineCount * width * 20)
        text += (0..<width).map { "c\($0)" }.joined(separator: ",").utf8
        text.append(0x0A)
        for line in 0..<lineCount {
            for column in 0..<width {
                let (value, written) = Self.generatedValue(&random)
                expected.append(value)
                if column > 0 { text.append(UInt8(ascii: ",")) }
                text += written.utf8
            }
            text += line % 3 == 0 ? [0x0D, 0x0A] : [0x0A]
        }

        try withTemporaryFile(text, suffix: ".csv") { path in
            let reader = try VectorStreamReader(path: path)
            var actual: [Double] = []
            actual.reserveCapacity(expected.count)
            var misnumbered = 0
            var recordCount = 0
            while let record = try reader.next() {
                recordCount += 1
                if record.position != recordCount + 1 || record.values.count != width { misnumbered += 1 }
                actual += record.values
            }
            #expect(reader.columns == (0..<width).map { "c\($0)" })
            #expect(recordCount == lineCount)
            #expect(misnumbered == 0)
            #expect(Self.checksum(actual) == Self.checksum(expected))
            let mismatches = zip(actual, expected).count { $0.bitPattern != $1.bitPattern }
            #expect(mismatches == 0)
        }
    }

    @Test("50,000 JSON object lines match the generator bit for bit")
    func bigJSONObjects() throws {
        let lineCount = 50_000
        let names = ["temp", "x", "y", "z", "rate", "load"]
        var random = SplitMix64(seed: 77)
        var expected: [Double] = []
        var text: [UInt8] = []
        for _ in 0..<lineCount {
            // Rotate the key order so the lookup path for reordered keys is exercised as well.
            let shift = Int(random.next() % 3)
            var fields = [(String, Double, String)]()
            for name in names {
                let (value, written) = Self.generatedValue(&random)
                fields.append((name, value, written.replacing("\"", with: "").trimmingCharacters(in: .whitespaces)))
            }
            expected += fields.map(\.1)
            let rotated = Array(fields[shift...] + fields[..<shift])
            text += ("{" + rotated.map { "\"\($0.0)\": \($0.2)" }.joined(separator: ", ") + "}\n").utf8
        }
        try withTemporaryFile(text, suffix: ".jsonl") { path in
            let reader = try VectorStreamReader(path: path)
            var actual: [Double] = []
            while let record = try reader.next() { actual += record.values }
            #expect(reader.columns == names)
            #expect(actual.count == expected.count)
            #expect(Self.checksum(actual) == Self.checksum(expected))
        }
    }
}
