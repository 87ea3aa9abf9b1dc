import CAllocationCounter
import StreamFeatures
import Testing

/// `push` allocates nothing once the extractor exists, whatever the settings and chunk sizes.
@Suite struct AllocationTests {
    static let configurations = [
        FeatureConfiguration(),
        FeatureConfiguration(preEmphasis: 0.97, melScale: .slaney, melNormalization: .slaney, mfccCount: 13,
                             normalizationFrames: 100),
        FeatureConfiguration(windowSamples: 480, hopSamples: 700, fftSize: 960, melBands: 64),
    ]

    @Test("the counter is live in this test process")
    func counterWorks() {
        #expect(hamlet_allocation_counting_available() != 0)
        hamlet_allocation_counting_begin()
        let arrays = (0..<10).map { [$0] }
        #expect(hamlet_allocation_counting_end() >= 10)
        #expect(arrays.count == 10)
    }

    @Test("push allocates nothing", arguments: configurations)
    func pushAllocatesNothing(configuration: FeatureConfiguration) {
        let extractor = FeatureExtractor(configuration)
        let signal = noise(count: 16_000, seed: 8)
        var checksum: Float = 0
        var frames = 0
        signal.withUnsafeBufferPointer { all in
            extractor.push(UnsafeBufferPointer(rebasing: all[0..<2_000])) { checksum += $0[0] }
            hamlet_allocation_counting_begin()
            var start = 2_000
            var chunk = 1
            while start < all.count {
                let end = min(start + chunk, all.count)
                extractor.push(UnsafeBufferPointer(rebasing: all[start..<end])) { feature in
                    checksum += feature[feature.count - 1]
                    frames += 1
                }
                start = end
                chunk = chunk * 3 % 1_001 + 1
            }
            let allocations = hamlet_allocation_counting_end()
            #expect(allocations == 0)
        }
        #expect(frames > 10)
        #expect(checksum.isFinite)
    }
}
