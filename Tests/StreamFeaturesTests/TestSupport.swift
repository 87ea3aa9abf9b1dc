import Foundation
import SeededRandom
import StreamFeatures
import Testing

/// A fixture written by Scripts/make_logmel_fixture.py.
struct ReferenceFixture: Decodable {
    var description: String
    var configuration: FeatureConfiguration
    var frameCount: Int
    var featureCount: Int
    var features: [[Float]]

    static let names = [
        "logmel_htk", "logmel_slaney_area", "logmel_htk_preemphasis", "logmel_slaney_area_preemphasis",
        "mfcc13_slaney_area_preemphasis", "mfcc20_htk", "logmel_custom",
    ]

    static func load(_ name: String) throws -> ReferenceFixture {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

/// The fixtures' test signal: 1 s at 16 kHz, little-endian float32.
func referenceSignal() throws -> [Float] {
    let url = try #require(Bundle.module.url(forResource: "signal", withExtension: "f32", subdirectory: "Fixtures"))
    let data = try Data(contentsOf: url)
    return data.withUnsafeBytes { bytes in
        stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
    }
}

/// The fixture tests' error metric: |actual − expected| / max(|expected|, 1); pass when ≤ 1e-3.
func scaledError(_ actual: Float, _ expected: Float) -> Float {
    abs(actual - expected) / max(abs(expected), 1)
}

/// Every feature vector of `samples`, pushed in chunks of `chunk` samples (all at once when nil).
func features(of samples: [Float], extractor: FeatureExtractor, chunk: Int? = nil) -> [[Float]] {
    var result: [[Float]] = []
    let size = chunk ?? max(samples.count, 1)
    samples.withUnsafeBufferPointer { all in
        var start = 0
        while start < all.count {
            let end = min(start + size, all.count)
            extractor.push(UnsafeBufferPointer(rebasing: all[start..<end])) { result.append(Array($0)) }
            start = end
        }
    }
    return result
}

func features(of samples: [Float], _ configuration: FeatureConfiguration, chunk: Int? = nil) -> [[Float]] {
    features(of: samples, extractor: FeatureExtractor(configuration), chunk: chunk)
}

/// Deterministic uniform noise in [−amplitude, amplitude) (SplitMix64).
func noise(count: Int, amplitude: Float = 0.5, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in amplitude * (2 * Float(generator.next() >> 40) / Float(1 << 24) - 1) }
}
