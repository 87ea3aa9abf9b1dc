import Foundation
import SafeTensors
import Testing

@Suite struct RoundTripTests {
    @Test func everyDtypeAndMetadataSurviveWriteAndRead() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let floats: [Float] = [1.5, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let doubles: [Double] = [.pi, -1e300, .leastNonzeroMagnitude, -0.0, .nan]
        let file = SafeTensorsFile(
            tensors: [
                "f32/matrix": SafeTensor(floats, shape: [2, 3]),
                "f32/scalar": SafeTensor([Float(7)], shape: []),
                "f64/vector": SafeTensor(doubles, shape: [5]),
                "f64/empty": SafeTensor([Double](), shape: [0, 4]),
                "i64": SafeTensor([.min, -1, 0, .max] as [Int64], shape: [2, 2]),
                "i32": SafeTensor([.min, 5, .max] as [Int32], shape: [3, 1]),
                "u8/odd": SafeTensor([0, 7, 255, 128, 1] as [UInt8], shape: [5]),
                "raw/bf16": SafeTensor(dtype: .bf16, shape: [2], bytes: [0x80, 0x3f, 0x00, 0xc0]),
                "ünïcode \"quoted\" \\ name\n": SafeTensor([1, 2] as [UInt8], shape: [2]),
            ],
            metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t nul \u{0} ü", "": "empty key"])
        let path = directory + "/model.safetensors"

        try file.write(to: path)
        let read = try SafeTensorsFile.read(path: path)

        #expect(read == file)
        #expect(try read.tensors["f32/matrix"]?.floats().map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(try read.tensors["f64/vector"]?.doubles().map(\.bitPattern) == doubles.map(\.bitPattern))
        #expect(try read.tensors["i64"]?.int64s() == [.min, -1, 0, .max])
        #expect(try read.tensors["i32"]?.int32s() == [.min, 5, .max])
        #expect(try read.tensors["u8/odd"]?.uint8s() == [0, 7, 255, 128, 1])
        #expect(try read.tensors["f64/empty"]?.doubles() == [])
        #expect(read.tensors["f64/empty"]?.shape == [0, 4])
        #expect(read.tensors["f32/scalar"]?.shape == [])
    }

    @Test func serializationIsCompactSortedAndPaddedToEightBytes() throws {
        let file = SafeTensorsFile(
            tensors: ["b": SafeTensor([1] as [UInt8], shape: [1]), "A": SafeTensor([2] as [Int64], shape: [])],
            metadata: ["z": "1", "a": "2"])
        let bytes = file.serialized()
        let expectedHeader = #"{"A":{"data_offsets":[0,8],"dtype":"I64","shape":[]},"__metadata__":{"a":"2","z":"1"},"b":{"data_offsets":[8,9],"dtype":"U8","shape":[1]}}"#
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })

        #expect((8 + headerLength) % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix(expectedHeader))
        #expect(header.dropFirst(expectedHeader.count).allSatisfy { $0 == " " })
        #expect(Array(bytes[(8 + headerLength)...]) == littleEndian(2) + [1])
    }

    @Test func everyTensorStartsAlignedToItsElementSize() throws {
        let file = SafeTensorsFile(tensors: [
            "a_bytes": SafeTensor([UInt8](repeating: 1, count: 3), shape: [3]),
            "b_float": SafeTensor([Float](repeating: 2, count: 3), shape: [3]),
            "c_long": SafeTensor([Int64](repeating: 3, count: 1), shape: []),
            "d_double": SafeTensor([Double](repeating: 4, count: 2), shape: [2]),
        ])
        let bytes = file.serialized()
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = try #require(
            JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: [String: Any]])
        for (name, tensor) in file.tensors {
            let begin = try #require((header[name]?["data_offsets"] as? [Int])?.first)
            #expect(begin % tensor.dtype.byteCount == 0, "\(name) starts at \(begin)")
        }
        #expect(try SafeTensorsFile(bytes: bytes) == file)
    }

    @Test func equalFilesSerializeIdentically() throws {
        var first = SafeTensorsFile()
        var second = SafeTensorsFile()
        let names = (0..<50).map { "tensor\($0)" }
        for name in names { first.tensors[name] = SafeTensor([Float(name.count)], shape: [1]) }
        for name in names.reversed() { second.tensors[name] = SafeTensor([Float(name.count)], shape: [1]) }
        #expect(first.serialized() == second.serialized())
        #expect(try SafeTensorsFile(bytes: first.serialized()) == first)
    }

    @Test func emptyFileRoundTrips() throws {
        let bytes = SafeTensorsFile().serialized()
        #expect(bytes == littleEndian(8) + Array("{}      ".utf8))
        #expect(try SafeTensorsFile(bytes: bytes) == SafeTensorsFile())
    }

    @Test func accessorsRejectOtherDtypes() throws {
        let tensor = SafeTensor([1, 2] as [Float], shape: [2])
        #expect(throws: SafeTensorsError.dtypeMismatch(requested: .f64, actual: .f32)) { try tensor.doubles() }
        #expect(throws: SafeTensorsError.dtypeMismatch(requested: .i64, actual: .f32)) { try tensor.int64s() }
        #expect(throws: SafeTensorsError.dtypeMismatch(requested: .u8, actual: .f32)) { try tensor.uint8s() }
        #expect(try tensor.floats() == [1, 2])
    }

    @Test func dtypeSizesMatchTheFormat() {
        #expect(SafeTensorsDType.f64.byteCount == 8)
        #expect(SafeTensorsDType.i64.byteCount == 8)
        #expect(SafeTensorsDType.f32.byteCount == 4)
        #expect(SafeTensorsDType.i32.byteCount == 4)
        #expect(SafeTensorsDType.bf16.byteCount == 2)
        #expect(SafeTensorsDType.u8.byteCount == 1)
        #expect(SafeTensorsDType(rawValue: "F32") == .f32)
    }
}
