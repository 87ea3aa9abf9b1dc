import Foundation
import SafeTensors
import Testing

/// reference.json as written by Scripts/make_safetensors_fixture.py.
private struct Reference: Decodable {
    struct Tensor: Decodable {
        var dtype: String
        var shape: [Int]
        var integers: [Int64] = []
        var bits: [UInt64] = []

        enum CodingKeys: String, CodingKey { case dtype, shape, values, bits }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            dtype = try container.decode(String.self, forKey: .dtype)
            shape = try container.decode([Int].self, forKey: .shape)
            if dtype.hasPrefix("F") {
                // Bit patterns, not decimal values, so -0.0 and subnormals compare exactly.
                bits = try container.decode([String].self, forKey: .bits).map { hex in
                    guard let value = UInt64(hex, radix: 16) else {
                        throw DecodingError.dataCorruptedError(forKey: .bits, in: container, debugDescription: "bad hex \(hex)")
                    }
                    return value
                }
            } else {
                integers = try container.decode([Int64].self, forKey: .values)
            }
        }
    }

    var metadata: [String: String]
    var tensors: [String: Tensor]
}

@Suite struct ReferenceFixtureTests {
    private func fixture(_ name: String, _ ext: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
    }

    @Test func readsFileWrittenByPythonSafetensors() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("reference", "json")))
        let file = try SafeTensorsFile.read(path: fixture("reference", "safetensors").path)

        #expect(file.metadata == reference.metadata)
        #expect(Set(file.tensors.keys) == Set(reference.tensors.keys))
        for (name, expected) in reference.tensors {
            let tensor = try #require(file.tensors[name], "missing tensor \(name)")
            #expect(tensor.dtype.rawValue == expected.dtype, "\(name)")
            #expect(tensor.shape == expected.shape, "\(name)")
            switch tensor.dtype {
            case .f32: #expect(try tensor.floats().map { UInt64($0.bitPattern) } == expected.bits, "\(name)")
            case .f64: #expect(try tensor.doubles().map(\.bitPattern) == expected.bits, "\(name)")
            case .i64: #expect(try tensor.int64s() == expected.integers, "\(name)")
            case .i32: #expect(try tensor.int32s().map(Int64.init) == expected.integers, "\(name)")
            case .u8: #expect(try tensor.uint8s().map(Int64.init) == expected.integers, "\(name)")
            default: Issue.record("fixture has unexpected dtype \(tensor.dtype) for \(name)")
            }
        }
        #expect(reference.tensors["step"]?.shape == [])
    }

    @Test func reserializedFixtureDecodesToTheSameTensors() throws {
        let file = try SafeTensorsFile.read(path: fixture("reference", "safetensors").path)
        #expect(try SafeTensorsFile(bytes: file.serialized()) == file)
    }
}
