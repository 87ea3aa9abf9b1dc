import StreamFeatures
import Testing

/// The online normaliser: exact during warm-up, then converging on a stationary signal.
@Suite struct NormalizationTests {
    @Test("on stationary noise the output settles to zero mean and unit variance")
    func converges() {
        let configuration = FeatureConfiguration(normalizationFrames: 100)
        let frames = features(of: noise(count: 160 * 3_000 + 240, seed: 42), configuration)
        #expect(frames.count == 3_000)
        let tail = frames.suffix(2_000)
        for j in 0..<configuration.featureCount {
            let values = tail.map { Double($0[j]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(mean) < 0.1, "band \(j): mean \(mean)")
            #expect(abs(variance - 1) < 0.15, "band \(j): variance \(variance)")
        }
    }

    @Test("warm-up: frame t is standardised by the mean and variance of frames 1…t")
    func warmUp() {
        let signal = noise(count: 160 * 60 + 240, seed: 9)
        let raw = features(of: signal, FeatureConfiguration(mfccCount: 12))
        let normalized = features(of: signal, FeatureConfiguration(mfccCount: 12, normalizationFrames: 1_000))
        #expect(normalized.count == raw.count)
        #expect(normalized[0].allSatisfy { $0 == 0 })
        for t in [1, 2, 10, 59] {
            for j in 0..<12 {
                let seen = raw[0...t].map { Double($0[j]) }
                let mean = seen.reduce(0, +) / Double(seen.count)
                let variance = seen.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(seen.count)
                let expected = (Double(raw[t][j]) - mean) / (variance + 1e-5).squareRoot()
                #expect(abs(Double(normalized[t][j]) - expected) <= 1e-4 * max(abs(expected), 1))
            }
        }
    }

    @Test("after warm-up each new value has weight 1/τ")
    func forgetting() {
        let normalizer = OnlineNormalizer(count: 1, timeConstant: 4)
        var value: Float = 0
        for x: Float in [1, 2, 3, 4] {
            value = x
            normalizer.normalize(&value)
        }
        #expect(normalizer.observed == 4)
        #expect(abs(normalizer.mean(0) - 2.5) < 1e-12)
        #expect(abs(normalizer.variance(0) - 1.25) < 1e-12)
        value = 10
        normalizer.normalize(&value)
        #expect(abs(normalizer.mean(0) - (2.5 + 0.25 * 7.5)) < 1e-12)
        #expect(abs(normalizer.variance(0) - 0.75 * (1.25 + 0.25 * 7.5 * 7.5)) < 1e-12)
        normalizer.reset()
        #expect(normalizer.observed == 0 && normalizer.mean(0) == 0 && normalizer.variance(0) == 0)
    }

    @Test("a non-finite component reads as the mean and leaves the statistics as they were")
    func nonFiniteComponent() {
        let normalizer = OnlineNormalizer(count: 2, timeConstant: 10)
        var frame: [Float] = [1, 2]
        for t in 0..<20 {
            frame = [Float(t % 3), Float(t % 5)]
            frame.withUnsafeMutableBufferPointer { normalizer.normalize($0.baseAddress!) }
        }
        let (mean, variance) = (normalizer.mean(0), normalizer.variance(0))
        for bad in [Float.infinity, -.infinity, .nan] {
            frame = [bad, 1]
            frame.withUnsafeMutableBufferPointer { normalizer.normalize($0.baseAddress!) }
            #expect(frame[0] == 0 && frame[1].isFinite)
            #expect(normalizer.mean(0) == mean && normalizer.variance(0) == variance)
        }
    }
}
