import Foundation
import StreamFeatures
import Testing

/// Validation messages name the field; decoding fills defaults.
@Suite struct ConfigurationTests {
    @Test("the defaults: 16 kHz, 25 ms / 10 ms, 512-point FFT, 40 HTK bands, valid")
    func defaults() {
        let configuration = FeatureConfiguration()
        #expect(configuration.sampleRateHz == 16_000)
        #expect(configuration.windowSamples == 400 && configuration.hopSamples == 160)
        #expect(configuration.fftSize == 512)
        #expect(configuration.melBands == 40 && configuration.featureCount == 40)
        #expect(configuration.effectiveMaximumFrequencyHz == 8_000)
        #expect(configuration.problems == [])
        #expect(FeatureConfiguration(windowSamples: 512).fftSize == 512)
        #expect(FeatureConfiguration(windowSamples: 513).fftSize == 1024)
    }

    @Test(
        "each invalid field gets a message naming it",
        arguments: [
            (FeatureConfiguration(sampleRateHz: 0), "sampleRateHz"),
            (FeatureConfiguration(windowSamples: 1, fftSize: 512), "windowSamples"),
            (FeatureConfiguration(hopSamples: 0), "hopSamples"),
            (FeatureConfiguration(fftSize: 256), "fftSize"),
            (FeatureConfiguration(fftSize: 513), "fftSize"),
            (FeatureConfiguration(fftSize: 14 * 64), "fftSize"),  // half = 7·64: kissfft's allocating radix
            (FeatureConfiguration(preEmphasis: 1.5), "preEmphasis"),
            (FeatureConfiguration(preEmphasis: -.nan), "preEmphasis"),
            (FeatureConfiguration(melBands: 0), "melBands"),
            (FeatureConfiguration(melBands: 128), "melBands"),  // empty low bands at fftSize 512
            (FeatureConfiguration(minimumFrequencyHz: -1), "minimumFrequencyHz"),
            (FeatureConfiguration(minimumFrequencyHz: 5_000, maximumFrequencyHz: 4_000), "minimumFrequencyHz"),
            (FeatureConfiguration(maximumFrequencyHz: 9_000), "maximumFrequencyHz"),
            (FeatureConfiguration(logFloor: 0), "logFloor"),
            (FeatureConfiguration(mfccCount: 0), "mfccCount"),
            (FeatureConfiguration(mfccCount: 41), "mfccCount"),
            (FeatureConfiguration(normalizationFrames: 0), "normalizationFrames"),
            (FeatureConfiguration(normalizationEpsilon: 0), "normalizationEpsilon"),
        ])
    func invalid(configuration: FeatureConfiguration, field: String) {
        let problems = configuration.problems
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains(field) == true, "\(problems)")
    }

    @Test("the empty-band message says which band and what to change")
    func emptyBandMessage() throws {
        let message = try #require(FeatureConfiguration(melBands: 128).problems.first)
        #expect(message.contains("mel band 0"))
        #expect(message.contains("fewer melBands"))
        #expect(FeatureConfiguration(fftSize: 2048, melBands: 128).problems == [])
    }

    @Test("several problems are all reported")
    func several() {
        #expect(FeatureConfiguration(hopSamples: 0, logFloor: -1, normalizationFrames: 0).problems.count == 3)
    }

    @Test("a JSON settings file names only what it changes")
    func partialDecoding() throws {
        let json = #"{"windowSamples": 480, "melScale": "slaney", "melNormalization": "slaney", "mfccCount": 13}"#
        let decoded = try JSONDecoder().decode(FeatureConfiguration.self, from: Data(json.utf8))
        #expect(decoded == FeatureConfiguration(
            windowSamples: 480, melScale: .slaney, melNormalization: .slaney, mfccCount: 13))
        #expect(decoded.fftSize == 512)
        #expect(try JSONDecoder().decode(FeatureConfiguration.self, from: Data("{}".utf8)) == FeatureConfiguration())
    }

    @Test("encoding round-trips")
    func roundTrip() throws {
        let configuration = FeatureConfiguration(
            sampleRateHz: 22_050, windowSamples: 551, hopSamples: 220, fftSize: 1_200, preEmphasis: 0.95,
            melBands: 50, melScale: .slaney, minimumFrequencyHz: 30, maximumFrequencyHz: 10_000,
            melNormalization: .slaney, logFloor: 1e-8, mfccCount: 20, normalizationFrames: 300,
            normalizationEpsilon: 1e-3)
        #expect(configuration.problems == [])
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(FeatureConfiguration.self, from: data) == configuration)
    }

    @Test("mel scales agree with librosa's hz_to_mel and invert")
    func melScales() {
        #expect(abs(MelScale.slaney.mel(fromHz: 1_000) - 15) < 1e-12)
        #expect(abs(MelScale.slaney.mel(fromHz: 500) - 7.5) < 1e-12)
        #expect(abs(MelScale.slaney.mel(fromHz: 8_000) - 45.245640471924965) < 1e-9)
        #expect(abs(MelScale.htk.mel(fromHz: 1_000) - 999.9855371396243) < 1e-9)
        for scale in MelScale.allCases {
            for hz in [0.0, 123.4, 999.9, 1_000, 4_321, 8_000] {
                #expect(abs(scale.hz(fromMel: scale.mel(fromHz: hz)) - hz) < 1e-9 * max(hz, 1))
            }
        }
    }
}
