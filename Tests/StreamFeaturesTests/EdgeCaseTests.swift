import Foundation
import StreamFeatures
import Testing

/// Silence, bad samples, and the FFT wrapper on its own.
@Suite struct EdgeCaseTests {
    @Test("silence gives log(floor) in every band, never NaN")
    func silence() {
        let zeros = [Float](repeating: 0, count: 4_000)
        let floor = logf(1e-10)
        for preEmphasis in [nil, Float(0.97)] {
            let frames = features(of: zeros, FeatureConfiguration(preEmphasis: preEmphasis))
            #expect(frames.count == 23)
            #expect(frames.allSatisfy { $0.allSatisfy { $0 == floor } })
        }
    }

    @Test("silence through MFCC and normalisation stays finite")
    func silenceMFCCNormalized() {
        let zeros = [Float](repeating: 0, count: 4_000)
        let mfcc = features(of: zeros, FeatureConfiguration(mfccCount: 13))
        #expect(abs(mfcc[0][0] - logf(1e-10) * Float(40).squareRoot()) < 1e-4)
        #expect(mfcc.allSatisfy { $0.dropFirst().allSatisfy { abs($0) < 1e-4 } })
        let normalized = features(of: zeros, FeatureConfiguration(mfccCount: 13, normalizationFrames: 10))
        #expect(normalized.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }

    @Test("a non-finite sample is read as 0 and does not poison later frames")
    func nonFinite() {
        var signal = noise(count: 3_000, seed: 3)
        let clean = features(of: signal, FeatureConfiguration(preEmphasis: 0.97, normalizationFrames: 5))
        signal[1_000] = .nan
        signal[1_001] = .infinity
        let dirty = features(of: signal, FeatureConfiguration(preEmphasis: 0.97, normalizationFrames: 5))
        #expect(dirty.allSatisfy { $0.allSatisfy(\.isFinite) })
        signal[1_000] = 0
        signal[1_001] = 0
        #expect(dirty == features(of: signal, FeatureConfiguration(preEmphasis: 0.97, normalizationFrames: 5)))
        #expect(dirty != clean)
    }

    @Test("RealFFT matches a direct DFT", arguments: [2, 8, 30, 512, 600])
    func realFFT(size: Int) {
        let input = noise(count: size, seed: UInt64(size))
        let fft = RealFFT(size: size)
        #expect(fft.binCount == size / 2 + 1)
        var output = [Float](repeating: .nan, count: 2 * fft.binCount)
        fft.transform(input, into: &output)
        for k in 0..<fft.binCount {
            var re = 0.0, im = 0.0
            for (n, x) in input.enumerated() {
                let phase = -2 * Double.pi * Double(k * n % size) / Double(size)
                re += Double(x) * cos(phase)
                im += Double(x) * sin(phase)
            }
            #expect(abs(Double(output[2 * k]) - re) < 1e-4 * Double(size))
            #expect(abs(Double(output[2 * k + 1]) - im) < 1e-4 * Double(size))
        }
        var power = [Float](repeating: .nan, count: fft.binCount)
        var scratch = [Float](repeating: 0, count: 2 * fft.binCount)
        fft.powerSpectrum(input, into: &power, scratch: &scratch)
        for k in 0..<fft.binCount {
            #expect(power[k] == output[2 * k] * output[2 * k] + output[2 * k + 1] * output[2 * k + 1])
        }
    }
}
