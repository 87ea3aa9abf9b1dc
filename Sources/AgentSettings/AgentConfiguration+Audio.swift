import StreamFeatures

extension AgentConfiguration {
    /// The `audio` section: capture period and the log-mel / MFCC front end.
    public struct Audio: Sendable, Equatable {
        /// `sample_rate_hz`: recordings at other rates are resampled.
        public var sampleRateHz: Int
        /// `period_frames`: audio frames per capture period.
        public var periodFrames: Int
        /// `mel_bands`
        public var melBands: Int
        /// `mfcc`: MFCC coefficients kept; 0 = the log-mel bands themselves.
        public var mfccCount: Int
        /// `pre_emphasis`: coefficient c of y[n] = x[n] − c·x[n−1]; 0 = none.
        public var preEmphasis: Double
        /// `normalize_frames`: time constant of the online normaliser in frames; 0 = off.
        public var normalizeFrames: Int

        public init(
            sampleRateHz: Int = 16_000, periodFrames: Int = 320, melBands: Int = 40, mfccCount: Int = 0,
            preEmphasis: Double = 0, normalizeFrames: Int = 1000
        ) {
            (self.sampleRateHz, self.periodFrames, self.melBands) = (sampleRateHz, periodFrames, melBands)
            (self.mfccCount, self.preEmphasis, self.normalizeFrames) = (mfccCount, preEmphasis, normalizeFrames)
        }

        /// The feature extractor's settings; the 0 = off values become nil.
        public var features: FeatureConfiguration {
            FeatureConfiguration(
                sampleRateHz: Double(sampleRateHz), preEmphasis: preEmphasis == 0 ? nil : Float(preEmphasis),
                melBands: melBands, mfccCount: mfccCount == 0 ? nil : mfccCount,
                normalizationFrames: normalizeFrames == 0 ? nil : normalizeFrames)
        }
    }
}
