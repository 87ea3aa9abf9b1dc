#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How Hz map to mel: the two conventions librosa offers (`htk=True` / `htk=False`).
public enum MelScale: String, Sendable, Codable, CaseIterable {
    /// mel = 2595 · log10(1 + f / 700) (HTK, O'Shaughnessy).
    case htk
    /// Slaney's Auditory Toolbox: linear (3 mel per 200 Hz) below 1 kHz, logarithmic above; librosa's default.
    case slaney

    /// The mel value of `hz`, exactly as librosa's `hz_to_mel` in Double.
    public func mel(fromHz hz: Double) -> Double {
        switch self {
        case .htk:
            return 2595 * log10(1 + hz / 700)
        case .slaney:
            if hz < Self.slaneyBreakHz { return hz / Self.slaneyLinearHzPerMel }
            return Self.slaneyBreakMel + log(hz / Self.slaneyBreakHz) / Self.slaneyLogStep
        }
    }

    /// The frequency in Hz of `mel`, the inverse of `mel(fromHz:)` (librosa's `mel_to_hz`).
    public func hz(fromMel mel: Double) -> Double {
        switch self {
        case .htk:
            return 700 * (pow(10, mel / 2595) - 1)
        case .slaney:
            if mel < Self.slaneyBreakMel { return mel * Self.slaneyLinearHzPerMel }
            return Self.slaneyBreakHz * exp(Self.slaneyLogStep * (mel - Self.slaneyBreakMel))
        }
    }

    static let slaneyLinearHzPerMel = 200.0 / 3
    static let slaneyBreakHz = 1000.0
    static let slaneyBreakMel = slaneyBreakHz / slaneyLinearHzPerMel
    static let slaneyLogStep = log(6.4) / 27
}

/// How each mel filter's triangle is scaled (librosa's `norm` argument of `filters.mel`).
public enum MelNormalization: String, Sendable, Codable, CaseIterable {
    /// Peak 1 (`norm=None`).
    case none
    /// Unit area in Hz: each triangle is scaled by 2 / (upper edge − lower edge) (`norm="slaney"`).
    case slaney
}

/// The settings of the log-mel / MFCC front end; validated by `problems`, applied by `FeatureExtractor`.
///
/// Pipeline, per hop: optional pre-emphasis (streamed) → frame of `windowSamples` → periodic Hann
/// window → zero-pad to `fftSize` → |X|² → mel filterbank → log(max(x, logFloor)) (natural log) →
/// optional orthonormal DCT-II (MFCC) → optional online normalisation.
///
/// Decoding fills every missing key with its default, so a settings file need only name what it
/// changes; `fftSize` then defaults from the decoded `windowSamples`.
public struct FeatureConfiguration: Sendable, Codable, Equatable {
    /// Sample rate of the incoming mono stream.
    public var sampleRateHz: Double
    /// Frame length; frame k covers samples [k·hopSamples, k·hopSamples + windowSamples).
    public var windowSamples: Int
    /// Distance between the starts of consecutive frames; may exceed the window (samples between are skipped).
    public var hopSamples: Int
    /// FFT length ≥ windowSamples; the windowed frame is zero-padded at its end. Must be even, and its
    /// half must have no prime factor above 5 (kissfft's fast radices; others allocate per transform).
    public var fftSize: Int
    /// Pre-emphasis coefficient c in y[n] = x[n] − c·x[n−1] with x[−1] = 0; nil switches it off.
    public var preEmphasis: Float?
    /// Number of mel filters.
    public var melBands: Int
    public var melScale: MelScale
    /// Lower edge of the lowest mel filter.
    public var minimumFrequencyHz: Double
    /// Upper edge of the highest mel filter; nil means sampleRateHz / 2.
    public var maximumFrequencyHz: Double?
    public var melNormalization: MelNormalization
    /// Mel energies below this are clamped before the natural log: log(max(x, logFloor)).
    public var logFloor: Float
    /// Number of DCT-II coefficients kept (MFCC c0…c(n−1)); nil outputs the log-mel bands themselves.
    public var mfccCount: Int?
    /// Time constant τ (in frames) of the online normaliser; nil switches normalisation off.
    public var normalizationFrames: Int?
    /// ε in (x − mean) / sqrt(var + ε) of the online normaliser.
    public var normalizationEpsilon: Float

    public init(
        sampleRateHz: Double = 16_000, windowSamples: Int = 400, hopSamples: Int = 160, fftSize: Int? = nil,
        preEmphasis: Float? = nil, melBands: Int = 40, melScale: MelScale = .htk, minimumFrequencyHz: Double = 0,
        maximumFrequencyHz: Double? = nil, melNormalization: MelNormalization = .none, logFloor: Float = 1e-10,
        mfccCount: Int? = nil, normalizationFrames: Int? = nil, normalizationEpsilon: Float = 1e-5
    ) {
        self.sampleRateHz = sampleRateHz
        self.windowSamples = windowSamples
        self.hopSamples = hopSamples
        self.fftSize = fftSize ?? Self.defaultFFTSize(windowSamples: windowSamples)
        self.preEmphasis = preEmphasis
        self.melBands = melBands
        self.melScale = melScale
        self.minimumFrequencyHz = minimumFrequencyHz
        self.maximumFrequencyHz = maximumFrequencyHz
        self.melNormalization = melNormalization
        self.logFloor = logFloor
        self.mfccCount = mfccCount
        self.normalizationFrames = normalizationFrames
        self.normalizationEpsilon = normalizationEpsilon
    }

    /// The smallest power of two ≥ `windowSamples` (1 for a non-positive window).
    public static func defaultFFTSize(windowSamples: Int) -> Int {
        var size = 1
        while size < windowSamples && size < 1 << 30 { size <<= 1 }
        return size
    }

    /// `maximumFrequencyHz`, or the Nyquist frequency when it is nil.
    public var effectiveMaximumFrequencyHz: Double { maximumFrequencyHz ?? sampleRateHz / 2 }

    /// Length of each feature vector: `mfccCount` if set, else `melBands`.
    public var featureCount: Int { mfccCount ?? melBands }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if !(sampleRateHz.isFinite && sampleRateHz > 0) {
            found.append("sampleRateHz must be a positive number, got \(sampleRateHz)")
        }
        if windowSamples < 2 {
            found.append("windowSamples must be at least 2, got \(windowSamples)")
        }
        if hopSamples < 1 {
            found.append("hopSamples must be at least 1, got \(hopSamples)")
        }
        if fftSize < max(windowSamples, 2) || fftSize > 1 << 24 || !Self.isFastRealFFTSize(fftSize) {
            found.append(
                "fftSize must be an even number ≥ windowSamples (\(windowSamples)) whose half has no prime factor "
                    + "above 5, such as \(Self.defaultFFTSize(windowSamples: windowSamples)); got \(fftSize)")
        }
        if let c = preEmphasis, !(c >= 0 && c <= 1) {
            found.append("preEmphasis must lie in [0, 1] (typically 0.97) or be absent, got \(c)")
        }
        if melBands < 1 {
            found.append("melBands must be at least 1, got \(melBands)")
        }
        let nyquist = sampleRateHz / 2
        let upper = effectiveMaximumFrequencyHz
        let frequenciesValid = minimumFrequencyHz.isFinite && minimumFrequencyHz >= 0
        if !frequenciesValid {
            found.append("minimumFrequencyHz must be ≥ 0, got \(minimumFrequencyHz)")
        }
        if nyquist.isFinite && nyquist > 0 {  // else sampleRateHz is already reported
            if let fmax = maximumFrequencyHz, !(fmax.isFinite && fmax > 0 && fmax <= nyquist) {
                found.append(
                    "maximumFrequencyHz must lie in (0, sampleRateHz/2 = \(nyquist)] or be absent, got \(fmax)")
            } else if frequenciesValid && minimumFrequencyHz >= upper {
                found.append(
                    "minimumFrequencyHz (\(minimumFrequencyHz)) must be below the maximum frequency (\(upper) Hz)")
            }
        }
        if !(logFloor.isFinite && logFloor > 0) {
            found.append("logFloor must be a positive number such as 1e-10, got \(logFloor)")
        }
        if let count = mfccCount, !(count >= 1 && count <= max(melBands, 1)) {
            found.append("mfccCount must lie in 1…melBands (\(melBands)) or be absent, got \(count)")
        }
        if let frames = normalizationFrames, frames < 1 {
            found.append("normalizationFrames must be at least 1 or be absent, got \(frames)")
        }
        if !(normalizationEpsilon.isFinite && normalizationEpsilon > 0) {
            found.append("normalizationEpsilon must be a positive number, got \(normalizationEpsilon)")
        }
        // Empty filters only make sense to look for once the shape itself is sound.
        if found.isEmpty {
            let filterbank = MelFilterbank(self)
            if let band = filterbank.firstEmptyBand {
                let (low, high) = filterbank.edgesHz(band: band)
                found.append(
                    "melBands (\(melBands)) is too many for fftSize \(fftSize): mel band \(band) "
                        + "(\(Int(low.rounded()))–\(Int(high.rounded())) Hz) contains no FFT bin; "
                        + "use fewer melBands, a larger fftSize, or a wider frequency range")
            }
        }
        return found
    }

    /// Whether kissfft's real transform of this length runs without per-call allocation.
    static func isFastRealFFTSize(_ size: Int) -> Bool {
        guard size >= 2, size % 2 == 0 else { return false }
        var half = size / 2
        for factor in [2, 3, 5] {
            while half % factor == 0 { half /= factor }
        }
        return half == 1
    }

    enum CodingKeys: String, CodingKey {
        case sampleRateHz, windowSamples, hopSamples, fftSize, preEmphasis, melBands, melScale
        case minimumFrequencyHz, maximumFrequencyHz, melNormalization, logFloor, mfccCount
        case normalizationFrames, normalizationEpsilon
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FeatureConfiguration()
        let windowSamples = try c.decodeIfPresent(Int.self, forKey: .windowSamples) ?? defaults.windowSamples
        self.init(
            sampleRateHz: try c.decodeIfPresent(Double.self, forKey: .sampleRateHz) ?? defaults.sampleRateHz,
            windowSamples: windowSamples,
            hopSamples: try c.decodeIfPresent(Int.self, forKey: .hopSamples) ?? defaults.hopSamples,
            fftSize: try c.decodeIfPresent(Int.self, forKey: .fftSize),
            preEmphasis: try c.decodeIfPresent(Float.self, forKey: .preEmphasis),
            melBands: try c.decodeIfPresent(Int.self, forKey: .melBands) ?? defaults.melBands,
            melScale: try c.decodeIfPresent(MelScale.self, forKey: .melScale) ?? defaults.melScale,
            minimumFrequencyHz: try c.decodeIfPresent(Double.self, forKey: .minimumFrequencyHz)
                ?? defaults.minimumFrequencyHz,
            maximumFrequencyHz: try c.decodeIfPresent(Double.self, forKey: .maximumFrequencyHz),
            melNormalization: try c.decodeIfPresent(MelNormalization.self, forKey: .melNormalization)
                ?? defaults.melNormalization,
            logFloor: try c.decodeIfPresent(Float.self, forKey: .logFloor) ?? defaults.logFloor,
            mfccCount: try c.decodeIfPresent(Int.self, forKey: .mfccCount),
            normalizationFrames: try c.decodeIfPresent(Int.self, forKey: .normalizationFrames),
            normalizationEpsilon: try c.decodeIfPresent(Float.self, forKey: .normalizationEpsilon)
                ?? defaults.normalizationEpsilon)
    }
}
