import SafeTensors
import Testing

@Suite struct MalformedFileTests {
    @Test func everyTruncationOfAValidFileIsRejected() throws {
        let bytes = sampleFile().serialized()
        let dataStart = 8 + Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        for length in 0..<bytes.count {
            let error = decodingError(Array(bytes.prefix(length)))
            switch error {
            case .fileTooShort(let count)?:
                #expect(length < 8 && count == length)
            case .headerBeyondFile(_, let size)?:
                #expect(length >= 8 && length < dataStart && size == length)
            case .offsetsOutOfBuffer(_, _, _, let size)?:
                #expect(length >= dataStart && size == length - dataStart)
            default:
                Issue.record("prefix of \(length) bytes gave \(String(describing: error))")
            }
        }
        #expect(decodingError(bytes) == nil)
    }

    @Test func flippedBitsNeverCrashTheDecoder() {
        let bytes = sampleFile().serialized()
        for index in bytes.indices {
            for bit in 0..<8 {
                var damaged = bytes
                damaged[index] ^= 1 << bit
                _ = decodingError(damaged)
            }
        }
    }

    @Test func headerLengthBeyondTheFile() {
        let bytes = littleEndian(1000) + Array("{}".utf8)
        #expect(decodingError(bytes) == .headerBeyondFile(headerLength: 1000, fileSize: 10))
    }

    @Test func absurdHeaderLength() {
        #expect(decodingError(littleEndian(.max) + [0x7b]) == .headerTooLarge(headerLength: .max, limit: 100_000_000))
        #expect(decodingError(littleEndian(100_000_001)) == .headerTooLarge(headerLength: 100_000_001, limit: 100_000_000))
    }

    @Test func headerThatIsNotJSONObject() {
        guard case .headerNotJSON? = decodingError(rawFile(header: #"{"a":"#)) else {
            Issue.record("truncated JSON accepted")
            return
        }
        guard case .headerNotJSON? = decodingError(rawFile(header: "{}  garbage")) else {
            Issue.record("JSON followed by garbage accepted")
            return
        }
        guard case .headerNotJSON? = decodingError(littleEndian(4) + [0x7b, 0x00, 0x7d, 0x00]) else {
            Issue.record("NUL bytes accepted")
            return
        }
        #expect(decodingError(littleEndian(4) + [0x7b, 0xff, 0xfe, 0x7d]) == .headerNotUTF8)
        #expect(decodingError(rawFile(header: "[1, 2]")) == .headerNotObject)
        #expect(decodingError(rawFile(header: #""text""#)) == .headerNotObject)
    }

    @Test func entriesWithMissingOrMistypedFields() {
        let cases: [(String, SafeTensorsError)] = [
            (#"{"t": 5}"#, .tensorEntryNotObject(tensor: "t")),
            (#"{"t": {"shape": [1], "data_offsets": [0, 1]}}"#, .missingField(tensor: "t", field: "dtype")),
            (#"{"t": {"dtype": "U8", "data_offsets": [0, 1]}}"#, .missingField(tensor: "t", field: "shape")),
            (#"{"t": {"dtype": "U8", "shape": [1]}}"#, .missingField(tensor: "t", field: "data_offsets")),
            (#"{"t": {"dtype": 8, "shape": [1], "data_offsets": [0, 1]}}"#,
             .wrongFieldType(tensor: "t", field: "dtype", expected: "a string such as \"F32\"")),
            (#"{"t": {"dtype": "U8", "shape": "1", "data_offsets": [0, 1]}}"#,
             .wrongFieldType(tensor: "t", field: "shape", expected: "an array of integers")),
            (#"{"t": {"dtype": "U8", "shape": [1.0], "data_offsets": [0, 1]}}"#,
             .wrongFieldType(tensor: "t", field: "shape", expected: "an array of integers")),
            (#"{"t": {"dtype": "U8", "shape": [true], "data_offsets": [0, 1]}}"#,
             .wrongFieldType(tensor: "t", field: "shape", expected: "an array of integers")),
            (#"{"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1.5]}}"#,
             .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers [begin, end]")),
            (#"{"t": {"dtype": "U8", "shape": [1], "data_offsets": [false, true]}}"#,
             .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers [begin, end]")),
            (#"{"t": {"dtype": "U8", "shape": [1], "data_offsets": [1]}}"#,
             .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers [begin, end]")),
            (#"{"t": {"dtype": "U8", "shape": [1], "data_offsets": [-1, 0]}}"#,
             .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers [begin, end]")),
            (#"{"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 18446744073709551615]}}"#,
             .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers [begin, end]")),
            (#"{"t": {"dtype": "U8", "shape": [1], "data_offsets": ["0", "1"]}}"#,
             .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers [begin, end]")),
        ]
        for (header, expected) in cases {
            #expect(decodingError(rawFile(header: header, data: [0])) == expected, "\(header)")
        }
    }

    @Test func unknownDtype() {
        #expect(decodingError(rawFile(header: #"{"t": {"dtype": "F17", "shape": [1], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0]))
                == .unknownDType(tensor: "t", dtype: "F17"))
        #expect(decodingError(rawFile(header: #"{"t": {"dtype": "f32", "shape": [1], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0]))
                == .unknownDType(tensor: "t", dtype: "f32"))
    }

    @Test func impossibleShapes() {
        #expect(decodingError(rawFile(header: #"{"t": {"dtype": "U8", "shape": [-1, -2], "data_offsets": [0, 2]}}"#, data: [0, 0]))
                == .negativeDimension(tensor: "t", shape: [-1, -2]))
        #expect(decodingError(rawFile(header: #"{"t": {"dtype": "F64", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}"#))
                == .shapeTooLarge(tensor: "t", shape: [4611686018427387904, 4]))
    }

    @Test func shapeAndOffsetsDisagree() {
        let header = #"{"weights/W": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 12]}}"#
        let error = decodingError(rawFile(header: header, data: Array(repeating: 0, count: 12)))
        #expect(error == .byteCountMismatch(tensor: "weights/W", begin: 0, end: 12, shape: [2, 3], dtype: .f32))
        #expect(error?.description == #"tensor "weights/W": data_offsets [0, 12] hold 12 bytes but shape [2, 3] of F32 needs 24"#)
    }

    @Test func offsetsOutsideTheBufferOrReversed() {
        #expect(decodingError(rawFile(header: #"{"t": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}}"#, data: Array(repeating: 0, count: 8)))
                == .offsetsOutOfBuffer(tensor: "t", begin: 0, end: 16, bufferSize: 8))
        #expect(decodingError(rawFile(header: #"{"t": {"dtype": "F64", "shape": [1], "data_offsets": [8, 0]}}"#, data: Array(repeating: 0, count: 8)))
                == .reversedOffsets(tensor: "t", begin: 8, end: 0))
    }

    @Test func overlappingTensors() {
        let header = #"{"a": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}, "b": {"dtype": "F64", "shape": [1], "data_offsets": [4, 12]}}"#
        #expect(decodingError(rawFile(header: header, data: Array(repeating: 0, count: 12))) == .overlappingTensors(tensor: "b", other: "a"))
        let same = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}}"#
        #expect(decodingError(rawFile(header: same, data: [0, 0, 0, 0])) == .overlappingTensors(tensor: "b", other: "a"))
    }

    @Test func gapsBetweenOrBeforeTensors() {
        let between = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#
        #expect(decodingError(rawFile(header: between, data: Array(repeating: 0, count: 12))) == .gapBeforeTensor(tensor: "b", gapBegin: 4, gapEnd: 8))
        let before = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(decodingError(rawFile(header: before, data: Array(repeating: 0, count: 8))) == .gapBeforeTensor(tensor: "a", gapBegin: 0, gapEnd: 4))
    }

    @Test func trailingBytesAfterTheLastTensor() {
        let header = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        #expect(decodingError(rawFile(header: header, data: [0, 0, 0, 0, 9, 9])) == .trailingBytes(count: 2, bufferSize: 6))
        #expect(decodingError(rawFile(header: "{}", data: [1])) == .trailingBytes(count: 1, bufferSize: 1))
        var bytes = sampleFile().serialized()
        bytes.append(0)
        #expect(decodingError(bytes) == .trailingBytes(count: 1, bufferSize: 52))
    }

    @Test func metadataMustMapStringsToStrings() {
        #expect(decodingError(rawFile(header: #"{"__metadata__": {"ok": "yes", "epoch": 3}}"#)) == .metadataValueNotString(key: "epoch"))
        #expect(decodingError(rawFile(header: #"{"__metadata__": {"flag": true}}"#)) == .metadataValueNotString(key: "flag"))
        #expect(decodingError(rawFile(header: #"{"__metadata__": {"nested": {}}}"#)) == .metadataValueNotString(key: "nested"))
        #expect(decodingError(rawFile(header: #"{"__metadata__": "pt"}"#)) == .metadataNotObject)
        #expect(decodingError(rawFile(header: #"{"__metadata__": ["pt"]}"#)) == .metadataNotObject)
    }

    @Test func acceptsWhatTheFormatAllows() throws {
        // Space padding, null metadata, unknown extra fields, empty tensors at either end.
        let header = #"{"__metadata__": null, "e": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "#
            + #""x": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2], "extra": 1}, "z": {"dtype": "I64", "shape": [3, 0], "data_offsets": [2, 2]}}     "#
        let file = try SafeTensorsFile(bytes: rawFile(header: header, data: [7, 8]))
        #expect(file.metadata == [:])
        #expect(file.tensors["x"] == SafeTensor([7, 8] as [UInt8], shape: [2]))
        #expect(file.tensors["e"]?.bytes == [])
        #expect(file.tensors["z"]?.shape == [3, 0])
    }
}
