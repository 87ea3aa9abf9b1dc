#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a stream of mono Float samples into one log-mel (or MFCC) vector per hop.
///
/// Framing: no centring and no padding. Frame k covers samples [k·hop, k·hop + window) of the
/// stream since construction (or `reset()`), so after n samples exactly
/// max(0, 1 + ⌊(n − window) / hop⌋) frames have been emitted — librosa's `center=False` framing.
/// Chunking never matters: any split of the same samples into pushes yields bit-identical features.
///
/// Per frame: pre-emphasis (streamed, y[n] = x[n] − c·x[n−1], x[−1] = 0) → periodic Hann window
/// w[n] = 0.5 − 0.5·cos(2πn / window) (scipy `get_window("hann", window, fftbins=True)`, librosa's
/// default) → zero-padded to fftSize at the end → |X[k]|² via kissfft → mel filterbank (librosa's
/// `filters.mel`) → natural log of max(energy, logFloor) → optional orthonormal DCT-II, keeping
/// mfccCount coefficients (scipy `dct(type=2, norm="ortho")`) → optional `OnlineNormalizer`.
/// Non-finite input samples are replaced by 0, so one bad sample cannot poison the streamed state.
///
/// Tolerance: Float arithmetic throughout (filterbank and DCT built in Double); against librosa in
/// float64, |a − b| ≤ 1e-3·max(|b|, 1) for log-mel and MFCC values (the fixture tests' metric;
/// observed ≤ 5e-5, largest in the lowest bands after pre-emphasis, where float32 FFT rounding is
/// largest relative to the energy). Allocation: everything is allocated in `init`; `push` allocates nothing.
/// Threading: not thread-safe; one thread owns an extractor (the pipeline's hot-loop thread).
public final class FeatureExtractor {
    public let configuration: FeatureConfiguration
    /// Length of each emitted vector: mfccCount, or melBands for log-mel.
    public let featureCount: Int
    /// Frames emitted since construction or the last `reset()`.
    public private(set) var framesEmitted: Int = 0

    private let windowSamples: Int
    private let hopSamples: Int
    private let preEmphasis: Float
    private let logFloor: Float
    private let melBands: Int
    private let mfccCount: Int
    private let fft: RealFFT
    private let normalizer: OnlineNormalizer?

    /// Pre-emphasised samples of the frame being filled, oldest first; `filled` of them are valid.
    private let frame: UnsafeMutablePointer<Float>
    private var filled = 0
    /// Samples still to discard before the next frame starts (only when hop > window).
    private var skip = 0
    /// The last raw input sample, x[n−1] for pre-emphasis.
    private var previous: Float = 0

    private let window: UnsafeMutablePointer<Float>
    /// fftSize Floats; the tail past windowSamples stays zero.
    private let fftInput: UnsafeMutablePointer<Float>
    private let spectrum: UnsafeMutablePointer<Float>
    private let power: UnsafeMutablePointer<Float>
    private let melFirstBin: UnsafeMutablePointer<Int>
    private let melWeightStart: UnsafeMutablePointer<Int>
    private let melWeights: UnsafeMutablePointer<Float>
    private let logMel: UnsafeMutablePointer<Float>
    /// mfccCount × melBands, row-major; unused (1 element) for log-mel output.
    private let dct: UnsafeMutablePointer<Float>
    /// The emitted vector: `logMel` itself for log-mel output, else its own buffer.
    private let output: UnsafeMutablePointer<Float>

    /// Builds every table and buffer. A configuration with `problems` is a programmer error (precondition).
    public init(_ configuration: FeatureConfiguration) {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        self.configuration = configuration
        featureCount = configuration.featureCount
        windowSamples = configuration.windowSamples
        hopSamples = configuration.hopSamples
        preEmphasis = configuration.preEmphasis ?? 0
        logFloor = configuration.logFloor
        melBands = configuration.melBands
        mfccCount = configuration.mfccCount ?? 0
        fft = RealFFT(size: configuration.fftSize)
        normalizer = configuration.normalizationFrames.map {
            OnlineNormalizer(count: configuration.featureCount, timeConstant: $0,
                             epsilon: configuration.normalizationEpsilon)
        }

        func buffer<T: Numeric>(_ count: Int, _: T.Type = T.self) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            return pointer
        }
        frame = buffer(windowSamples)
        window = buffer(windowSamples)
        for n in 0..<windowSamples {
            window[n] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(windowSamples)))
        }
        fftInput = buffer(configuration.fftSize)
        spectrum = buffer(2 * fft.binCount)
        power = buffer(fft.binCount)

        let filterbank = MelFilterbank(configuration)
        melFirstBin = buffer(melBands)
        melWeightStart = buffer(melBands + 1)
        melWeights = buffer(filterbank.weights.count)
        melFirstBin.update(from: filterbank.firstBin, count: melBands)
        melWeightStart.update(from: filterbank.weightStart, count: melBands + 1)
        melWeights.update(from: filterbank.weights, count: filterbank.weights.count)
        logMel = buffer(melBands)

        dct = buffer(mfccCount * melBands)
        let bands = Double(melBands)
        for k in 0..<mfccCount {
            let scale = (k == 0 ? 1 / bands : 2 / bands).squareRoot()
            for b in 0..<melBands {
                dct[k * melBands + b] = Float(scale * cos(Double.pi * Double(k) * (2 * Double(b) + 1) / (2 * bands)))
            }
        }
        output = mfccCount > 0 ? buffer(mfccCount) : logMel
    }

    deinit {
        for pointer in [frame, window, fftInput, spectrum, power, melWeights, logMel, dct] { pointer.deallocate() }
        if output != logMel { output.deallocate() }
        melFirstBin.deallocate()
        melWeightStart.deallocate()
    }

    /// Forgets buffered samples, pre-emphasis state and normaliser statistics: the next sample is sample 0.
    public func reset() {
        filled = 0
        skip = 0
        previous = 0
        framesEmitted = 0
        normalizer?.reset()
    }

    /// Appends `samples` to the stream and calls `onFeature` once per frame they complete, in order.
    ///
    /// The vector passed to `onFeature` (featureCount Floats) is only valid during the call.
    /// Allocates nothing; O(samples + frames · (fftSize·log fftSize + filterbank size)).
    public func push(_ samples: UnsafeBufferPointer<Float>, onFeature: (UnsafeBufferPointer<Float>) -> Void) {
        guard let source = samples.baseAddress else { return }
        let count = samples.count
        var i = 0
        while i < count {
            if skip > 0 {
                let skipped = min(skip, count - i)
                i += skipped
                skip -= skipped
                let last = source[i - 1]
                previous = last.isFinite ? last : 0
                continue
            }
            let taken = min(windowSamples - filled, count - i)
            let destination = frame + filled
            var last = previous
            for j in 0..<taken {
                let raw = source[i + j]
                let x = raw.isFinite ? raw : 0
                destination[j] = x - preEmphasis * last
                last = x
            }
            previous = last
            filled += taken
            i += taken
            if filled == windowSamples {
                computeFeatures()
                onFeature(UnsafeBufferPointer(start: output, count: featureCount))
                if hopSamples < windowSamples {
                    memmove(frame, frame + hopSamples, (windowSamples - hopSamples) * MemoryLayout<Float>.stride)
                    filled = windowSamples - hopSamples
                } else {
                    filled = 0
                    skip = hopSamples - windowSamples
                }
            }
        }
    }

    /// `push` for an array of samples.
    public func push(_ samples: [Float], onFeature: (UnsafeBufferPointer<Float>) -> Void) {
        samples.withUnsafeBufferPointer { push($0, onFeature: onFeature) }
    }

    /// The feature vector of the full frame in `frame`, into `output`.
    private func computeFeatures() {
        for n in 0..<windowSamples { fftInput[n] = frame[n] * window[n] }
        fft.powerSpectrum(fftInput, into: power, scratch: spectrum)
        for b in 0..<melBands {
            let start = melWeightStart[b], end = melWeightStart[b + 1]
            let bins = power + (melFirstBin[b] - start)
            var energy: Float = 0
            for j in start..<end { energy += melWeights[j] * bins[j] }
            logMel[b] = logf(max(energy, logFloor))
        }
        if mfccCount > 0 {
            for k in 0..<mfccCount {
                let row = dct + k * melBands
                var sum: Float = 0
                for b in 0..<melBands { sum += row[b] * logMel[b] }
                output[k] = sum
            }
        }
        normalizer?.normalize(output)
        framesEmitted += 1
    }
}
