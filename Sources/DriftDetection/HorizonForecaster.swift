/// A forecast that cannot lean on the last value: channel c's normalised value at step t from its
/// values at t−h, …, t−h−lags+1 (and extra inputs known at t, such as the calendar's phases), by
/// ridge regression with exponential forgetting, one small model per channel.
///
/// A one-step forecaster absorbs a level change or a broken pattern after a record or two; this
/// one's residual keeps showing it for about h records. Past values are kept in the sensor's units
/// and normalised when used, by the normalisation in force now, so that a moving location does not
/// leave stale inputs behind. The weights are solved exactly (Cholesky) after every step: with
/// lags + extras + 1 features per channel that is a few hundred operations, and unlike a recursive
/// update it cannot blow up on a flat stream. Allocates only in `init`; one thread at a time.
public struct HorizonForecaster: Sendable {
    public let channelCount: Int
    public let horizon: Int
    public let lags: Int
    public let extraCount: Int
    /// Inputs per channel: the lags, the extras, a constant.
    public let featureCount: Int
    /// The latest residual per channel, target − forecast in normalised units; NaN while too few
    /// records precede it.
    public private(set) var residual: [Double]
    /// Records seen so far.
    public private(set) var count = 0
    /// Steps each channel's model has learned from (the least over the channels).
    public private(set) var learnedCount = 0
    private let forgetting: Double
    private let ridge: Double
    private var history: [Double]
    private var head = 0
    private var gram: [Double]
    private var moment: [Double]
    private var weights: [Double]
    private var mass: [Double]
    private var learned: [Int]
    private var features: [Double]
    private var factor: [Double]

    /// `memorySamples`: the forgetting's time constant; `ridge`: the penalty on the weights,
    /// relative to the forgetting-weighted number of samples learned.
    public init(channelCount: Int, horizon: Int, lags: Int = 8, extraCount: Int = 0, memorySamples: Int = 1000, ridge: Double = 1e-3) {
        precondition(channelCount > 0 && horizon > 0 && lags > 0 && extraCount >= 0 && memorySamples > 1 && ridge > 0)
        self.channelCount = channelCount
        self.horizon = horizon
        self.lags = lags
        self.extraCount = extraCount
        featureCount = lags + extraCount + 1
        forgetting = 1 - 1 / Double(memorySamples)
        self.ridge = ridge
        residual = [Double](repeating: .nan, count: channelCount)
        history = [Double](repeating: 0, count: channelCount * (horizon + lags))
        gram = [Double](repeating: 0, count: channelCount * featureCount * featureCount)
        moment = [Double](repeating: 0, count: channelCount * featureCount)
        weights = [Double](repeating: 0, count: channelCount * featureCount)
        mass = [Double](repeating: 0, count: channelCount)
        learned = [Int](repeating: 0, count: channelCount)
        features = [Double](repeating: 0, count: featureCount)
        factor = [Double](repeating: 0, count: featureCount * featureCount)
    }

    /// Forecasts step t's values from the records before it (`residual`), learns from `learnable`
    /// (NaN: that channel does not learn from this step, e.g. a clipped fault), then keeps `values`
    /// as history. `normalize(x, c)` maps channel c's sensor value into the learner's units.
    public mutating func step(values: [Double], learnable: [Double], extras: [Double], normalize: (Double, Int) -> Double) {
        precondition(values.count == channelCount && learnable.count == channelCount && extras.count == extraCount)
        let span = horizon + lags
        let ready = count >= span - 1
        for c in 0..<channelCount {
            residual[c] = .nan
            if ready {
                // Lag j (0-based) is the value h + j records back.
                for j in 0..<lags {
                    let back = horizon + j
                    features[j] = normalize(history[c * span + (head - back + 2 * span) % span], c)
                }
                for k in 0..<extraCount { features[lags + k] = extras[k] }
                features[featureCount - 1] = 1
                var forecast = 0.0
                for i in 0..<featureCount { forecast += weights[c * featureCount + i] * features[i] }
                if values[c].isFinite { residual[c] = normalize(values[c], c) - forecast }
                if learnable[c].isFinite { learn(channel: c, target: normalize(learnable[c], c)) }
            }
            history[c * span + head] = values[c]
        }
        head = (head + 1) % span
        count += 1
        // By index: a for-in over the array allocates an iterator box in debug builds.
        learnedCount = learned[0]
        for c in 1..<channelCount { learnedCount = min(learnedCount, learned[c]) }
    }

    private mutating func learn(channel c: Int, target: Double) {
        let f = featureCount
        let base = c * f * f
        for i in 0..<f {
            for j in 0...i { gram[base + i * f + j] = forgetting * gram[base + i * f + j] + features[i] * features[j] }
            moment[c * f + i] = forgetting * moment[c * f + i] + features[i] * target
        }
        mass[c] = forgetting * mass[c] + 1
        learned[c] += 1
        solve(channel: c)
    }

    /// weights_c = (G_c + ridge·mass_c·I)⁻¹ m_c, by Cholesky on the lower triangle.
    private mutating func solve(channel c: Int) {
        let f = featureCount
        let base = c * f * f
        let penalty = ridge * mass[c] + 1e-12
        for i in 0..<f {
            for j in 0...i {
                var sum = gram[base + i * f + j] + (i == j ? penalty : 0)
                for k in 0..<j { sum -= factor[i * f + k] * factor[j * f + k] }
                if i == j {
                    // The penalty keeps the matrix positive definite; a rounding loss there would only
                    // leave the previous weights in place.
                    guard sum > 0 else { return }
                    factor[i * f + i] = sum.squareRoot()
                } else {
                    factor[i * f + j] = sum / factor[j * f + j]
                }
            }
        }
        // Forward (L y = m), then backward (Lᵀ w = y), in `features`' place would clobber them: use
        // the weights' own slots.
        for i in 0..<f {
            var sum = moment[c * f + i]
            for k in 0..<i { sum -= factor[i * f + k] * weights[c * f + k] }
            weights[c * f + i] = sum / factor[i * f + i]
        }
        for i in stride(from: f - 1, through: 0, by: -1) {
            var sum = weights[c * f + i]
            for k in (i + 1)..<f { sum -= factor[k * f + i] * weights[c * f + k] }
            weights[c * f + i] = sum / factor[i * f + i]
        }
    }

    /// Appends the running state to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(count)
        state.append(head)
        state.append(contentsOf: history)
        state.append(contentsOf: gram)
        state.append(contentsOf: moment)
        state.append(contentsOf: weights)
        state.append(contentsOf: mass)
        for n in learned { state.append(n) }
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        count = try reader.int()
        head = try reader.int()
        history = try reader.doubles(history.count)
        gram = try reader.doubles(gram.count)
        moment = try reader.doubles(moment.count)
        weights = try reader.doubles(weights.count)
        mass = try reader.doubles(mass.count)
        for c in 0..<channelCount { learned[c] = try reader.int() }
        guard head >= 0, head < horizon + lags else { throw .badCount(Double(head)) }
        learnedCount = learned.min() ?? 0
    }
}
