import Foundation
import SafeTensors

/// A fresh directory under the system temp directory; callers remove it when done.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    return url.path
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A file with this exact header text and data buffer, bypassing the writer's checks.
func rawFile(header: String, data: [UInt8] = []) -> [UInt8] {
    let json = Array(header.utf8)
    return littleEndian(UInt64(json.count)) + json + data
}

func littleEndian(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// The error decoding `bytes` throws, or nil if it decodes.
func decodingError(_ bytes: [UInt8]) -> SafeTensorsError? {
    do {
        _ = try SafeTensorsFile(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

/// A small valid file with several dtypes and metadata, used as the seed for malformed variants.
func sampleFile() -> SafeTensorsFile {
    SafeTensorsFile(
        tensors: [
            "weights/W": SafeTensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3]),
            "bias": SafeTensor([0.5, -0.5] as [Double], shape: [2]),
            "step": SafeTensor([42] as [Int64], shape: []),
            "mask": SafeTensor([1, 0, 1] as [UInt8], shape: [3]),
        ],
        metadata: ["format": "pt"])
}
