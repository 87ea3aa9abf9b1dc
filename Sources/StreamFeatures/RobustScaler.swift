/// Causal per-channel location and scale for sensor values: follows a level change within about
/// `memorySamples` samples but moves by at most `clip` scales for one outlier.
///
/// At sample n (α = max(1/n, 1/memorySamples)), with d = x − m and the scale s:
///
///     m ← m + α·clamp(d, −clip·s, clip·s)          (plain running mean for the first `exactSamples`)
///     s ← s + α·(min(|d|, clip·s) − s)               (mean absolute deviation, clipped the same way)
///
/// A level change larger than the clip is followed at once instead: after `shiftRunSamples`
/// records in a row beyond `clip` scales on the same side, m jumps to their mean (the scale is
/// kept). Without that jump a step of 20 scales takes thousands of records to absorb, and the
/// forecaster, fed inputs pinned near the bound meanwhile, swings wide for days.
///
/// `normalize` maps x to (x − m)/s with the values before x is folded in, so a record is judged
/// against the past only, and bounds the result to ±`bound` so one wild value cannot throw the
/// learner off. The plain moments of the first `exactSamples` records have no range to judge a
/// value by: when they end, `WarmUpScreen` drops the values beyond `InputScreen`'s range of the
/// others (listed in `warmUpDrops`) and refits them. The scale has a floor of 10⁻³ of the location's size (a constant stream does not
/// divide by zero). Double arithmetic; allocates only in `init`; one thread at a time.
public struct RobustScaler: Sendable {
    public let channelCount: Int
    public let memorySamples: Int
    public let clip: Double
    public let bound: Double
    /// Samples during which plain running moments are used, before clipping has a scale to trust.
    public let exactSamples: Int
    /// Records in a row beyond `clip` scales on one side after which the location jumps to them (0: never).
    public let shiftRunSamples: Int
    public private(set) var count = 0
    private var location: [Double]
    private var scale: [Double]
    /// Per channel: the records in the current run beyond the clip (signed by its side) and their sum.
    private var run: [Double]
    private var runSum: [Double]
    private var warmUp: WarmUpScreen
    /// The values the warm-up's end dropped, at the `add` that ended it (empty otherwise).
    public private(set) var warmUpDrops: [InputClip] = []

    public init(
        channelCount: Int, memorySamples: Int = 1000, clip: Double = 4, bound: Double = 20, exactSamples: Int = 20,
        shiftRunSamples: Int = 30
    ) {
        precondition(channelCount > 0 && memorySamples > 1 && clip > 0 && bound > 0 && exactSamples > 0 && shiftRunSamples >= 0)
        self.channelCount = channelCount
        self.memorySamples = memorySamples
        self.clip = clip
        self.bound = bound
        self.exactSamples = exactSamples
        self.shiftRunSamples = shiftRunSamples
        location = [Double](repeating: 0, count: channelCount)
        scale = [Double](repeating: 0, count: channelCount)
        run = [Double](repeating: 0, count: channelCount)
        runSum = [Double](repeating: 0, count: channelCount)
        warmUp = WarmUpScreen(channelCount: channelCount, sampleCount: exactSamples)
        warmUpDrops.reserveCapacity(channelCount)
    }

    /// The current location of channel `c`.
    public func location(_ c: Int) -> Double { location[c] }

    /// The current scale of channel `c`, never below its floor.
    public func scale(_ c: Int) -> Double {
        let floor = 1e-3 * abs(location[c]) + 1e-12
        return max(scale[c], floor)
    }

    /// x in units of channel `c`'s scale around its location, within ±`bound` (0 before any sample).
    public func normalize(_ x: Double, channel c: Int) -> Double {
        guard count > 0, x.isFinite else { return 0 }
        return min(max((x - location[c]) / scale(c), -bound), bound)
    }

    /// A normalised value back in the channel's units.
    public func denormalize(_ u: Double, channel c: Int) -> Double { location[c] + u * scale(c) }

    /// The running state as numbers, for checkpoints: the count, then each channel's location,
    /// scale, current run beyond the clip and that run's sum.
    public var savedValues: [Double] { [Double(count)] + location + scale + run + runSum }

    /// Takes back `savedValues` of a scaler with as many channels (or the shorter form without
    /// runs that older checkpoints hold); false (nothing changed) otherwise.
    public mutating func restore(_ values: [Double]) -> Bool {
        let c = channelCount
        guard values.count == 1 + 4 * c || values.count == 1 + 2 * c, let n = Int(exactly: values[0]), n >= 0 else { return false }
        count = n
        location = Array(values[1..<(1 + c)])
        scale = Array(values[(1 + c)..<(1 + 2 * c)])
        let hasRuns = values.count == 1 + 4 * c
        run = hasRuns ? Array(values[(1 + 2 * c)..<(1 + 3 * c)]) : [Double](repeating: 0, count: c)
        runSum = hasRuns ? Array(values[(1 + 3 * c)...]) : [Double](repeating: 0, count: c)
        return true
    }

    /// Folds in one sample per channel; a non-finite value leaves its channel unchanged.
    public mutating func add(_ values: [Double]) {
        precondition(values.count == channelCount)
        count += 1
        warmUpDrops.removeAll(keepingCapacity: true)
        if count <= exactSamples { warmUp.record(values, at: count - 1) }
        let alpha = max(1 / Double(count), 1 / Double(memorySamples))
        let exact = count <= exactSamples
        for c in 0..<channelCount {
            let x = values[c]
            guard x.isFinite else { continue }
            if count == 1 {
                location[c] = x
                continue
            }
            let d = x - location[c]
            if exact {
                location[c] += alpha * d
                scale[c] += alpha * (abs(d) - scale[c])
            } else {
                let limit = clip * scale(c)
                if followsShift(x, beyond: d > limit ? 1 : d < -limit ? -1 : 0, channel: c) { continue }
                location[c] += alpha * min(max(d, -limit), limit)
                scale[c] += alpha * (min(abs(d), limit) - scale[c])
            }
        }
        if count == exactSamples { refitWarmUp() }
    }

    /// The plain moments without the warm-up's outliers, where it had any.
    private mutating func refitWarmUp() {
        for c in 0..<channelCount {
            guard let fit = warmUp.refit(channel: c, into: &warmUpDrops) else { continue }
            location[c] = fit.location
            scale[c] = fit.scale
            run[c] = 0
            runSum[c] = 0
        }
    }

    /// Counts a record beyond the clip on `side` (±1, 0 inside) into its channel's run; at the run's
    /// full length the location jumps to the run's mean and true is returned.
    private mutating func followsShift(_ x: Double, beyond side: Double, channel c: Int) -> Bool {
        guard shiftRunSamples > 0 else { return false }
        if side != 0 && run[c] * side >= 0 {
            run[c] += side
            runSum[c] += x
        } else {
            run[c] = side
            runSum[c] = side != 0 ? x : 0
        }
        guard abs(run[c]) >= Double(shiftRunSamples) else { return false }
        location[c] = runSum[c] / abs(run[c])
        run[c] = 0
        runSum[c] = 0
        return true
    }
}
