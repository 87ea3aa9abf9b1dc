/// Triangular mel filters over the bins of a real FFT, built exactly as librosa's `filters.mel`
/// (in Double, then rounded to Float) and stored sparsely: each band's nonzero weights are contiguous.
struct MelFilterbank {
    let bandCount: Int
    /// fftSize / 2 + 1.
    let binCount: Int
    /// bandCount + 2 frequencies: band b rises from edges[b] to edges[b+1] and falls to edges[b+2].
    let edgesHz: [Double]
    /// First FFT bin with a nonzero weight in each band (0 for an empty band).
    let firstBin: [Int]
    /// Band b's weights are `weights[weightStart[b] ..< weightStart[b + 1]]`, for bins firstBin[b]….
    let weightStart: [Int]
    let weights: [Float]

    init(_ configuration: FeatureConfiguration) {
        let bands = configuration.melBands
        let fftSize = configuration.fftSize
        let scale = configuration.melScale
        bandCount = bands
        binCount = fftSize / 2 + 1
        let lowMel = scale.mel(fromHz: configuration.minimumFrequencyHz)
        let highMel = scale.mel(fromHz: configuration.effectiveMaximumFrequencyHz)
        // numpy.linspace(lowMel, highMel, bands + 2), then back to Hz.
        let step = (highMel - lowMel) / Double(bands + 1)
        edgesHz = (0..<(bands + 2)).map { i in
            scale.hz(fromMel: i == bands + 1 ? highMel : lowMel + Double(i) * step)
        }
        var firstBin: [Int] = []
        var weightStart: [Int] = [0]
        var weights: [Float] = []
        let binHz = configuration.sampleRateHz / Double(fftSize)
        for b in 0..<bands {
            let (lower, centre, upper) = (edgesHz[b], edgesHz[b + 1], edgesHz[b + 2])
            let areaScale = configuration.melNormalization == .slaney ? 2 / (upper - lower) : 1
            var first = -1
            for k in 0..<binCount {
                let f = Double(k) * binHz
                let rising = (f - lower) / (centre - lower)
                let falling = (upper - f) / (upper - centre)
                let weight = max(0, min(rising, falling)) * areaScale
                if weight > 0 {
                    if first < 0 { first = k }
                    weights.append(Float(weight))
                } else if first >= 0 {
                    break
                }
            }
            firstBin.append(max(first, 0))
            weightStart.append(weights.count)
        }
        self.firstBin = firstBin
        self.weightStart = weightStart
        self.weights = weights
    }

    /// The lowest band without any nonzero weight, if there is one (librosa warns "Empty filters").
    var firstEmptyBand: Int? {
        (0..<bandCount).first { weightStart[$0] == weightStart[$0 + 1] }
    }

    /// Lower and upper edge of `band` in Hz.
    func edgesHz(band: Int) -> (Double, Double) { (edgesHz[band], edgesHz[band + 2]) }

    /// Row `band` as a dense vector over all bins (tests and diagnostics).
    func denseRow(_ band: Int) -> [Float] {
        var row = [Float](repeating: 0, count: binCount)
        for (j, w) in weights[weightStart[band]..<weightStart[band + 1]].enumerated() { row[firstBin[band] + j] = w }
        return row
    }
}
