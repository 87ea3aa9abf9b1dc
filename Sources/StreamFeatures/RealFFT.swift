internal import CKissFFT

/// kissfft's forward real FFT of one fixed even length, owning its kissfft configuration.
///
/// Unnormalised: X[k] = Σₙ x[n]·e^(−2πikn/N), k = 0…N/2 (numpy's `rfft`). Float arithmetic: each
/// bin is within a few float32 ulps of ‖x‖₂·log₂N of the exact DFT (tested: ≤ 1e-4·N for samples
/// in [−0.5, 0.5], N up to 600). `transform` allocates nothing for lengths whose half has no prime
/// factor above 5 (kissfft's generic butterfly allocates scratch on every call for larger factors).
/// One thread at a time: the configuration holds a scratch buffer.
public final class RealFFT {
    /// N, the number of real input samples.
    public let size: Int
    private let configuration: kiss_fftr_cfg

    /// A transform of `size` points; `size` must be even and at least 2.
    public init(size: Int) {
        precondition(size >= 2 && size % 2 == 0 && size <= Int(Int32.max), "RealFFT needs an even size ≥ 2, got \(size)")
        self.size = size
        guard let configuration = kiss_fftr_alloc(Int32(size), 0, nil, nil) else {
            fatalError("kiss_fftr_alloc(\(size)) failed: out of memory")
        }
        self.configuration = configuration
    }

    deinit { hamlet_kiss_fftr_free(configuration) }

    /// Number of complex outputs, N/2 + 1.
    public var binCount: Int { size / 2 + 1 }

    /// Writes the N/2 + 1 complex bins of `input` (N samples) to `output` as interleaved (re, im):
    /// 2·(N/2 + 1) Floats. Input and output must not overlap.
    public func transform(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        output.withMemoryRebound(to: kiss_fft_cpx.self, capacity: binCount) { bins in
            kiss_fftr(configuration, input, bins)
        }
    }

    /// Writes |X[k]|² for k = 0…N/2 to `power`, using `scratch` (2·(N/2 + 1) Floats) for the spectrum.
    public func powerSpectrum(
        _ input: UnsafePointer<Float>, into power: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        transform(input, into: scratch)
        for k in 0..<binCount {
            let re = scratch[2 * k], im = scratch[2 * k + 1]
            power[k] = re * re + im * im
        }
    }
}
