import HamiltonianLearning
import VectorStream

/// A seeded multichannel sensor stream with known change points, for `hamlet evaluate`.
///
/// A sinusoid mixture with Gaussian noise (σ = `noise`) on every channel; every `segment`
/// records a change is added, cumulatively, in this order: an abrupt mean shift of +10σ, the
/// noise doubled, a new periodic component (period 37 records, amplitude 10σ), and a gradual
/// mean ramp of +10σ over 2,000 records. These change what the forecaster's error looks like,
/// which is what the detectors watch.
public final class ChangingStream: RecordSource {
    public static let changeNames = ["abrupt mean shift", "variance doubled", "new periodic component", "gradual mean ramp"]

    public let columns: [String]
    public var positionName: String { "line" }
    public let segment: Int
    public let changePoints: [Int]
    private var base: SyntheticStream
    private var generator: SeededGenerator
    private let noise: Double
    private var index = 0

    public init(channels: Int = 4, segment: Int = 20_000, noise: Double = 0.05, seed: UInt64 = 1) {
        precondition(channels >= 1 && segment >= 1 && noise > 0)
        columns = (0..<channels).map { "x\($0)" }
        self.segment = segment
        self.noise = noise
        changePoints = (1...Self.changeNames.count).map { $0 * segment }
        base = SyntheticStream(kind: .sinusoids, channels: channels, noise: 0, seed: seed)
        generator = SeededGenerator(seed: seed)
    }

    public var count: Int { segment * (Self.changeNames.count + 1) }

    public func next(into sample: inout Sample) throws(SourceError) -> Bool {
        guard index < count else { return false }
        defer { index += 1 }
        let t = index
        base.next(into: &sample.values)
        var changes = 0
        for k in 0..<changePoints.count where t >= changePoints[k] { changes += 1 }
        var shift = 0.0, noiseScale = 1.0, periodic = 0.0
        if changes >= 1 { shift += 10 * noise }
        if changes >= 2 { noiseScale = 2 }
        if changes >= 3 { periodic = 10 * noise * sin(2 * Double.pi * Double(t - changePoints[2]) / 37) }
        if changes >= 4 { shift += 10 * noise * min(1, Double(t - changePoints[3]) / 2000) }
        for j in sample.values.indices {
            sample.values[j] += noise * noiseScale * generator.nextGaussian() + shift + periodic
        }
        sample.position = t
        sample.time = nil
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
