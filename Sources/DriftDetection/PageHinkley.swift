/// The Page-Hinkley test, sample for sample the same as River 0.26's `drift.PageHinkley`.
///
/// With the running mean x̄ₜ of all samples since the last reset:
///
///     upₜ   = α·upₜ₋₁   + (xₜ − x̄ₜ) − δ,   test_up   = upₜ − min(up₁…upₜ)
///     downₜ = α·downₜ₋₁ + (xₜ − x̄ₜ) + δ,   test_down = max(−1, down₁…downₜ) − downₜ
///
/// Once at least `minimumSamples` samples are in, a test above λ is a detection; the sample after
/// a detection starts everything afresh, as River does. Arithmetic follows River's operation order
/// so that detections land on the same indices. Allocates nothing; one thread at a time.
public struct PageHinkley: DriftDetector {
    public let configuration: PageHinkleyConfiguration
    public var name: String { "page-hinkley" }
    public var threshold: Double { configuration.threshold }
    /// The larger of the tests that `mode` watches (0 before `minimumSamples`).
    public private(set) var statistic: Double = 0
    /// Samples since the start or the last reset.
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    private var sumIncrease: Double = 0
    private var sumDecrease: Double = 0
    private var minimumIncrease: Double = .infinity
    // River starts the maximum at the integer −1, not −∞; it matters while every sum is below −1.
    private var maximumDecrease: Double = -1
    private var detected = false

    public init(_ configuration: PageHinkleyConfiguration = PageHinkleyConfiguration()) {
        precondition(configuration.problems.isEmpty, "PageHinkley: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
    }

    /// Forgets every sample; the next one starts a new test.
    public mutating func reset() {
        count = 0
        mean = 0
        sumIncrease = 0
        sumDecrease = 0
        minimumIncrease = .infinity
        maximumDecrease = -1
        statistic = 0
        detected = false
    }

    public mutating func update(_ x: Double) -> DriftSignal? {
        if detected { reset() }
        count += 1
        // River's stats.Mean keeps n as a float and adds (w / n)·(x − mean) with w = 1.
        mean += (1 / Double(count)) * (x - mean)
        let deviation = x - mean
        sumIncrease = configuration.alpha * sumIncrease + deviation - configuration.delta
        sumDecrease = configuration.alpha * sumDecrease + deviation + configuration.delta
        if sumIncrease < minimumIncrease { minimumIncrease = sumIncrease }
        if sumDecrease > maximumDecrease { maximumDecrease = sumDecrease }
        guard count >= configuration.minimumSamples else { return nil }

        let testIncrease = sumIncrease - minimumIncrease
        let testDecrease = maximumDecrease - sumDecrease
        let kind: DriftKind
        switch configuration.mode {
        case .up:
            statistic = testIncrease
            kind = .increase
        case .down:
            statistic = testDecrease
            kind = .decrease
        case .both:
            statistic = max(testIncrease, testDecrease)
            kind = testIncrease >= testDecrease ? .increase : .decrease
        }
        detected = statistic > configuration.threshold
        return detected ? DriftSignal(kind: kind, statistic: statistic, threshold: configuration.threshold) : nil
    }
}

extension PageHinkley: SavedStateRepresentable {
    public func save(to state: inout SavedState) {
        for value in [statistic, mean, sumIncrease, sumDecrease, minimumIncrease, maximumDecrease] { state.append(value) }
        state.append(count)
        state.append(detected)
    }

    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        let sums = try reader.doubles(6)
        (statistic, mean, sumIncrease, sumDecrease) = (sums[0], sums[1], sums[2], sums[3])
        (minimumIncrease, maximumDecrease) = (sums[4], sums[5])
        count = try reader.int()
        detected = try reader.bool()
    }
}
