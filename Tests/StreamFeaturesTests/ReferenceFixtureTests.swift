import StreamFeatures
import Testing

/// Log-mel and MFCC against librosa (Scripts/make_logmel_fixture.py), frame by frame.
@Suite struct ReferenceFixtureTests {
    @Test("matches librosa within |a − b| ≤ 1e-3·max(|b|, 1)", arguments: ReferenceFixture.names)
    func matchesLibrosa(name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        #expect(fixture.configuration.problems == [])
        let extractor = FeatureExtractor(fixture.configuration)
        #expect(extractor.featureCount == fixture.featureCount)
        let actual = features(of: try referenceSignal(), extractor: extractor)
        try #require(actual.count == fixture.frameCount)
        var worst: Float = 0
        var worstAt = (0, 0)
        for (k, (got, want)) in zip(actual, fixture.features).enumerated() {
            try #require(got.count == want.count)
            for j in got.indices where scaledError(got[j], want[j]) > worst {
                worst = scaledError(got[j], want[j])
                worstAt = (k, j)
            }
        }
        #expect(worst <= 1e-3, "\(name): worst scaled error \(worst) at frame \(worstAt.0), feature \(worstAt.1)")
    }

    @Test("the fixtures' configurations spell out what they test")
    func fixtureCoverage() throws {
        let configurations = try ReferenceFixture.names.map { try ReferenceFixture.load($0).configuration }
        #expect(configurations.contains { $0.melScale == .htk && $0.melNormalization == .none && $0.preEmphasis == nil })
        #expect(configurations.contains { $0.melScale == .slaney && $0.melNormalization == .slaney })
        #expect(configurations.contains { $0.preEmphasis != nil && $0.mfccCount == nil })
        #expect(configurations.contains { $0.mfccCount != nil })
        #expect(configurations.contains { $0 == FeatureConfiguration() })
    }
}
