/// The slow reference next to the forecaster: what each channel usually reads at this time of
/// day (or of another period, such as the week), or, without timestamps, its long-run level.
///
/// With a time, the expectation is mean[cell] over `cellCount` cells per period, read and learned with
/// linear interpolation between the two nearest cells (so a profile with sharp edges stays sharp
/// without being jagged). Each cell learns its values' mean while it is new and then forgets with
/// rate `rate`, so it adapts to a change only over many days: that is what keeps an abnormal
/// state visible while it lasts. Without a time it is an exponential average with memory
/// `levelMemory` samples. In the sensor's own units. Allocates only in `init`.
public struct SeasonalProfile: Sendable {
    public let channelCount: Int
    public let cellCount: Int
    public let rate: Double
    public let levelMemory: Int
    /// The period in seconds: a day by default.
    public let periodSeconds: Double
    private var mean: [Double]
    /// How much each cell has learned (the interpolation weights it received, summed).
    private var weight: [Double]
    private var level: [Double]
    private var levelCount = 0
    private var cell = 0
    private var nextWeight = 0.0
    private var timed = false
    private var firstTime = Double.nan
    /// Whether every part of the profile has been learned at least once: a whole period after the
    /// first timed record, or `levelMemory`/10 records without times. Before that its residuals
    /// say more about the profile being empty than about the stream.
    public private(set) var isSettled = false

    public init(
        channelCount: Int, cellCount: Int = 48, rate: Double = 0.1, levelMemory: Int = 1000, periodSeconds: Double = 86_400
    ) {
        precondition(channelCount > 0 && cellCount > 1 && rate > 0 && rate <= 1 && levelMemory > 1 && periodSeconds > 0)
        self.periodSeconds = periodSeconds
        self.channelCount = channelCount
        self.cellCount = cellCount
        self.rate = rate
        self.levelMemory = levelMemory
        mean = [Double](repeating: 0, count: channelCount * cellCount)
        weight = [Double](repeating: 0, count: channelCount * cellCount)
        level = [Double](repeating: 0, count: channelCount)
    }

    /// Appends the learned profile to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(contentsOf: mean)
        state.append(contentsOf: weight)
        state.append(contentsOf: level)
        state.append(levelCount)
        state.append(firstTime)
        state.append(isSettled)
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        mean = try reader.doubles(mean.count)
        weight = try reader.doubles(weight.count)
        level = try reader.doubles(level.count)
        levelCount = try reader.int()
        firstTime = try reader.double()
        isSettled = try reader.bool()
    }

    /// Sets the time of the next record (seconds since 1970 in local wall-clock time; nil or
    /// non-finite: none, so the long-run level is used).
    public mutating func setTime(_ seconds: Double?) {
        guard let seconds, seconds.isFinite else {
            timed = false
            return
        }
        timed = true
        if firstTime.isNaN { firstTime = seconds }
        if seconds - firstTime >= periodSeconds { isSettled = true }
        // Cells count from 1970-01-01 00:00; which cell is first does not change what is learned.
        let periods = seconds / periodSeconds
        let position = (periods - periods.rounded(.down)) * Double(cellCount)
        cell = min(Int(position), cellCount - 1)
        nextWeight = position - Double(cell)
    }

    /// Channel `c`'s expectation at the time set last.
    public func expected(_ c: Int) -> Double {
        guard timed else { return level[c] }
        let base = c * cellCount
        let lower = mean[base + cell], upper = mean[base + (cell + 1) % cellCount]
        // A cell that has learned nothing yet stands in for its neighbour and vice versa.
        if weight[base + (cell + 1) % cellCount] == 0 { return lower }
        if weight[base + cell] == 0 { return upper }
        return (1 - nextWeight) * lower + nextWeight * upper
    }

    /// Makes `value` channel `c`'s expectation at every time, keeping what the cells have seen: for
    /// a profile that learned a value later found to be a fault, which would otherwise stay in it.
    public mutating func reseed(channel c: Int, at value: Double) {
        level[c] = value
        for k in 0..<cellCount { mean[c * cellCount + k] = value }
    }

    /// Learns channel `c`'s value at the time set last.
    public mutating func learn(_ value: Double, channel c: Int) {
        guard value.isFinite else { return }
        let error = value - expected(c)
        guard timed else {
            if c == 0 {
                levelCount += 1
                if levelCount >= levelMemory / 10 { isSettled = true }
            }
            level[c] += max(1 / Double(levelCount), 1 / Double(levelMemory)) * error
            return
        }
        let base = c * cellCount
        teach(base + cell, share: 1 - nextWeight, error: error, value: value)
        teach(base + (cell + 1) % cellCount, share: nextWeight, error: error, value: value)
    }

    private mutating func teach(_ index: Int, share: Double, error: Double, value: Double) {
        guard share > 0 else { return }
        if weight[index] == 0 {
            mean[index] = value
        } else {
            // A running mean while the cell is new, then exponential forgetting.
            mean[index] += max(share / (weight[index] + share), rate * share) * error
        }
        weight[index] += share
    }
}
