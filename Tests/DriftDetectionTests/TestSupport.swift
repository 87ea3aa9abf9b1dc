import DriftDetection
import Foundation
import SeededRandom
import Testing

/// A fixture written by Scripts/make_drift_fixtures.py: a sequence and River's detections on it.
struct RiverFixture: Decodable {
    struct Parameters: Decodable {
        // Page-Hinkley
        var min_instances: Int?
        var threshold: Double?
        var alpha: Double?
        var mode: String?
        // ADWIN
        var clock: Int?
        var max_buckets: Int?
        var min_window_length: Int?
        var grace_period: Int?
        // both
        var delta: Double
    }

    struct Detections: Decodable {
        var detector: String
        var parameters: Parameters
        var indices: [Int]
    }

    var name: String
    var description: String
    var river_version: String
    var values: [Double]
    var detections: [Detections]
    /// Default ADWIN's [index, width, total, variance sum] at every 97th sample and at each detection.
    var adwin_trace: [[Double]]

    static let names = [
        "gaussian_abrupt", "gaussian_variance", "gaussian_gradual", "gaussian_noise", "gaussian_large_scale",
        "gaussian_periodic", "unit_bernoulli", "unit_beta", "unit_gradual", "unit_noise", "river_doc",
    ]

    static func load(_ name: String) throws -> RiverFixture {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(RiverFixture.self, from: Data(contentsOf: url))
    }
}

extension PageHinkleyConfiguration {
    init(river p: RiverFixture.Parameters) throws {
        let mode = try #require(p.mode)
        self.init(
            minimumSamples: try #require(p.min_instances), delta: p.delta, threshold: try #require(p.threshold),
            alpha: try #require(p.alpha), mode: try #require(Mode(rawValue: mode)))
    }
}

extension ADWINConfiguration {
    init(river p: RiverFixture.Parameters) throws {
        self.init(
            delta: p.delta, clock: try #require(p.clock), maximumBuckets: try #require(p.max_buckets),
            minimumWindowLength: try #require(p.min_window_length), gracePeriod: try #require(p.grace_period))
    }
}

/// Indices of the samples at which `detector` signals.
func signalIndices<Detector: DriftDetector>(_ detector: Detector, _ values: [Double]) -> [Int] {
    var detector = detector
    return values.indices.filter { detector.update(values[$0]) != nil }
}

/// Indices of the alerts `monitor` raises.
func alertIndices<Detector>(_ monitor: DriftMonitor<Detector>, _ values: [Double]) -> [Int] {
    var monitor = monitor
    return values.compactMap { monitor.update($0)?.sampleIndex }
}

/// A seeded N(0, 1) stream of `before` samples, then `after` samples shifted by `by` σ.
func stepStream(seed: UInt64, before: Int, after: Int, by shift: Double) -> LabeledStream {
    LabeledStream(
        SyntheticStreamConfiguration(
            seed: seed, initialSamples: before, segmentSamples: after, changes: [.meanShift(by: shift)]))
}

/// `count` N(mean, sd) samples from `seed`.
func gaussianNoise(count: Int, seed: UInt64, mean: Double = 0, sd: Double = 1) -> [Double] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in mean + sd * generator.nextGaussian() }
}

/// `fresh` with the state `original` saves, read back through a real `SavedState`.
func restoredCopy<T: SavedStateRepresentable>(of original: T, into fresh: T) throws -> T {
    var state = SavedState(values: [])
    original.save(to: &state)
    var copy = fresh
    var reader = SavedStateReader(state)
    try copy.load(from: &reader)
    try reader.finish()
    return copy
}
