/// Each channel's range over about the last `samples` values, in fixed memory: the extremes of
/// `blockCount` consecutive blocks, the oldest block dropped whole when a new one starts (so the
/// range spans between `samples` − `samples`/`blockCount` and `samples` values).
/// Allocates only in `init`; `add` is O(1), `range` O(`blockCount`).
public struct RecentRange: Sendable, SavedStateRepresentable {
    public let channelCount: Int
    public let blockCount: Int
    public let blockSize: Int
    private var highs: [Double]
    private var lows: [Double]
    /// Per channel: the current block, and the values in it (NaN values are skipped).
    private var current: [Int]
    private var filled: [Int]
    private var total: [Int]

    public init(channelCount: Int, samples: Int, blockCount: Int = 40) {
        precondition(channelCount > 0 && blockCount > 0 && samples > 0)
        self.channelCount = channelCount
        self.blockCount = min(blockCount, samples)
        blockSize = samples / self.blockCount
        highs = [Double](repeating: -.infinity, count: channelCount * self.blockCount)
        lows = [Double](repeating: .infinity, count: channelCount * self.blockCount)
        current = [Int](repeating: 0, count: channelCount)
        filled = [Int](repeating: 0, count: channelCount)
        total = [Int](repeating: 0, count: channelCount)
    }

    /// Values of channel `c` the range spans now.
    public func count(_ c: Int) -> Int { min(total[c], (blockCount - 1) * blockSize + filled[c]) }

    /// The lowest and highest of channel `c`'s recent values (∞, −∞ before any).
    public func range(_ c: Int) -> (low: Double, high: Double) {
        var low = Double.infinity, high = -Double.infinity
        for b in 0..<blockCount {
            low = min(low, lows[c * blockCount + b])
            high = max(high, highs[c * blockCount + b])
        }
        return (low, high)
    }

    /// Folds in one value per channel (NaN: that channel skips this step).
    public mutating func add(_ values: [Double]) {
        precondition(values.count == channelCount)
        for c in 0..<channelCount where values[c].isFinite {
            if filled[c] == blockSize {
                // A new block replaces the oldest one.
                current[c] = (current[c] + 1) % blockCount
                filled[c] = 0
            }
            let i = c * blockCount + current[c]
            highs[i] = filled[c] == 0 ? values[c] : max(highs[i], values[c])
            lows[i] = filled[c] == 0 ? values[c] : min(lows[i], values[c])
            filled[c] += 1
            total[c] = min(total[c] + 1, 1 << 40)
        }
    }

    /// Appends the running state to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(contentsOf: highs)
        state.append(contentsOf: lows)
        for c in 0..<channelCount {
            state.append(current[c])
            state.append(filled[c])
            state.append(total[c])
        }
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        highs = try reader.doubles(highs.count)
        lows = try reader.doubles(lows.count)
        for c in 0..<channelCount {
            current[c] = try reader.int()
            filled[c] = try reader.int()
            total[c] = try reader.int()
            guard current[c] >= 0, current[c] < blockCount, filled[c] >= 0, filled[c] <= blockSize else {
                throw .badCount(Double(current[c]))
            }
        }
    }
}
