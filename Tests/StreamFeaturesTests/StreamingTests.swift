import Foundation
import StreamFeatures
import Testing

/// Framing and chunking: frame k covers [k·hop, k·hop + window), whatever the push sizes.
@Suite struct StreamingTests {
    static let full = FeatureConfiguration(preEmphasis: 0.97, mfccCount: 13, normalizationFrames: 50)

    @Test("any chunking gives bit-identical features", arguments: [1, 7, 160, 1000])
    func chunking(chunk: Int) throws {
        let signal = try referenceSignal()
        for configuration in [FeatureConfiguration(), Self.full] {
            let whole = features(of: signal, configuration)
            let chunked = features(of: signal, configuration, chunk: chunk)
            #expect(whole.count == 98)
            #expect(chunked == whole)
        }
    }

    @Test("chunking is irrelevant when the hop skips samples between frames", arguments: [1, 7, 160, 1000])
    func skippingHop(chunk: Int) {
        let configuration = FeatureConfiguration(windowSamples: 256, hopSamples: 700, preEmphasis: 0.9, melBands: 24)
        let signal = noise(count: 10_000, seed: 11)
        let whole = features(of: signal, configuration)
        #expect(whole.count == 1 + (10_000 - 256) / 700)
        #expect(features(of: signal, configuration, chunk: chunk) == whole)
    }

    @Test("frame count is max(0, 1 + ⌊(n − window) / hop⌋)", arguments: [0, 1, 399, 400, 401, 559, 560, 16_000])
    func frameCount(samples: Int) {
        let extractor = FeatureExtractor(FeatureConfiguration())
        let emitted = features(of: [Float](repeating: 0.1, count: samples), extractor: extractor).count
        let expected = samples < 400 ? 0 : 1 + (samples - 400) / 160
        #expect(emitted == expected)
        #expect(extractor.framesEmitted == expected)
    }

    @Test("frame k sees exactly samples [k·160, k·160 + 400)")
    func framingWindow() {
        // A single impulse at sample 400: outside frame 0 [0, 400), inside frames 1 and 2, outside frame 3 [480, 880).
        var signal = [Float](repeating: 0, count: 1_200)
        signal[400] = 1
        let frames = features(of: signal, FeatureConfiguration())
        let floor = logf(1e-10)
        #expect(frames[0].allSatisfy { $0 == floor })
        #expect(frames[1].allSatisfy { $0 > floor })
        #expect(frames[2].allSatisfy { $0 > floor })
        #expect(frames[3].allSatisfy { $0 == floor })
    }

    @Test("frame k equals a fresh extractor's first frame on samples [k·hop, k·hop + window)")
    func framesAreIndependentWithoutState() {
        let signal = noise(count: 4_000, seed: 5)
        let configuration = FeatureConfiguration(melScale: .slaney, melNormalization: .slaney)
        let streamed = features(of: signal, configuration)
        for k in [0, 1, 7, 22] {
            let alone = features(of: Array(signal[(k * 160)..<(k * 160 + 400)]), configuration)
            #expect(alone == [streamed[k]])
        }
    }

    @Test("reset starts the stream over")
    func reset() throws {
        let signal = try referenceSignal()
        let extractor = FeatureExtractor(Self.full)
        let first = features(of: signal, extractor: extractor)
        _ = features(of: Array(signal[0..<1234]), extractor: extractor)
        extractor.reset()
        #expect(extractor.framesEmitted == 0)
        #expect(features(of: signal, extractor: extractor) == first)
    }

    @Test("feature count follows mfccCount")
    func featureCount() {
        #expect(FeatureExtractor(FeatureConfiguration()).featureCount == 40)
        #expect(FeatureExtractor(FeatureConfiguration(melBands: 64)).featureCount == 64)
        #expect(FeatureExtractor(FeatureConfiguration(mfccCount: 13)).featureCount == 13)
    }
}
