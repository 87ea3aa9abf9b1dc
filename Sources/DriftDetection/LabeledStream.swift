import SeededRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A finite stream with the indices where its distribution changes.
public struct LabeledStream: Sendable, Equatable {
    public var values: [Double]
    /// Ascending indices of the first sample of each new regime.
    public var changePoints: [Int]

    public init(values: [Double], changePoints: [Int]) {
        self.values = values
        self.changePoints = changePoints
    }

    /// Generates the stream `configuration` describes; the same configuration gives the same values.
    public init(_ configuration: SyntheticStreamConfiguration) {
        precondition(configuration.problems.isEmpty, "LabeledStream: \(configuration.problems.joined(separator: "; "))")
        let sigma0 = configuration.standardDeviation
        let count = configuration.initialSamples + configuration.changes.count * configuration.segmentSamples
        changePoints = configuration.changes.indices.map {
            configuration.initialSamples + $0 * configuration.segmentSamples
        }
        var generator = SplitMix64(seed: configuration.seed)
        values = []
        values.reserveCapacity(count)
        var level = configuration.mean  // mean from completed shifts and ramps
        var sigma = sigma0
        var ramps: [(start: Int, samples: Int, by: Double)] = []
        var sines: [(start: Int, amplitude: Double, period: Double)] = []
        var next = 0
        for t in 0..<count {
            while next < changePoints.count && changePoints[next] == t {
                switch configuration.changes[next] {
                case .meanShift(let by): level += by * sigma0
                case .meanRamp(let by, let samples): ramps.append((t, samples, by * sigma0))
                case .varianceScale(let factor): sigma *= factor
                case .periodic(let amplitude, let period): sines.append((t, amplitude * sigma0, period))
                }
                next += 1
            }
            var mean = level
            for ramp in ramps { mean += ramp.by * min(Double(t - ramp.start + 1) / Double(ramp.samples), 1) }
            for sine in sines { mean += sine.amplitude * sin(2 * .pi * Double(t - sine.start) / sine.period) }
            values.append(mean + sigma * generator.nextGaussian())
        }
    }
}
