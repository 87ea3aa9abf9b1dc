/// How new the recent pattern of a channel is: the fraction of its contexts (the last 1…`order`
/// quantised values) not seen within the last `memorySamples` steps. In the spirit of CAD OSE
/// (NAB's contextual anomaly detector): a coarse quantisation ignores the noise, so a context is
/// new only when the shape of the stream is — a level never visited, a jump between levels that
/// never follow each other, a burst pattern that breaks.
///
/// Each value is placed in one of `bins` equal cells of a range the caller gives (the range seen
/// before it; values outside fall in the end cells). The contexts of orders 1…`order` ending at
/// the value are the last j cells, j = 1…`order`; each is an index into a table of when it was
/// last seen, so memory is fixed (Σ bins^j entries per channel) and a context forgets by age.
/// Allocates only in `init`; one thread at a time.
public struct ContextNovelty: Sendable, SavedStateRepresentable {
    public let channelCount: Int
    public let order: Int
    public let bins: Int
    public let memorySamples: Int
    /// The latest step's novelty per channel, in [0, 1] (0 before a range exists).
    public private(set) var novelty: [Double]
    /// Per channel, the step each context was last seen (−1: never); contexts of order j start
    /// at `offsets[j − 1]`.
    private var lastSeen: [Int]
    private let offsets: [Int]
    private let tableSize: Int
    /// Per channel, the last `order` cells, newest first (−1: none yet).
    private var recentCells: [Int]
    private var count = 0

    /// Largest table per channel: bins^order summed over the orders.
    public static let maximumTableSize = 1 << 16

    public static func tableSize(order: Int, bins: Int) -> Int {
        var size = 0, power = 1
        for _ in 0..<order {
            power *= bins
            size += power
            if size > maximumTableSize { return size }
        }
        return size
    }

    public init(channelCount: Int, order: Int, bins: Int, memorySamples: Int) {
        precondition(channelCount > 0 && order >= 1 && bins >= 2 && memorySamples >= 1)
        precondition(Self.tableSize(order: order, bins: bins) <= Self.maximumTableSize)
        self.channelCount = channelCount
        self.order = order
        self.bins = bins
        self.memorySamples = memorySamples
        var offsets: [Int] = []
        var start = 0, power = 1
        for _ in 0..<order {
            offsets.append(start)
            power *= bins
            start += power
        }
        self.offsets = offsets
        tableSize = start
        lastSeen = [Int](repeating: -1, count: channelCount * start)
        recentCells = [Int](repeating: -1, count: channelCount * order)
        novelty = [Double](repeating: 0, count: channelCount)
    }

    /// Judges and learns one step: `values[c]` placed in [`lows[c]`, `highs[c]`] (NaN, or a range
    /// without width, leaves channel c's novelty 0 and its contexts as they were).
    public mutating func step(_ values: [Double], lows: [Double], highs: [Double]) {
        precondition(values.count == channelCount && lows.count == channelCount && highs.count == channelCount)
        count = min(count + 1, 1 << 50)
        for c in 0..<channelCount {
            novelty[c] = 0
            let (low, high) = (lows[c], highs[c])
            guard values[c].isFinite, high > low, high.isFinite, low.isFinite else { continue }
            let position = (values[c] - low) / (high - low) * Double(bins)
            let cell = Int(min(max(position, 0), Double(bins - 1)))
            let cells = c * order
            for k in stride(from: order - 1, to: 0, by: -1) { recentCells[cells + k] = recentCells[cells + k - 1] }
            recentCells[cells] = cell
            var index = 0, weight = 1, known = 0, new = 0
            for j in 0..<order {
                let past = recentCells[cells + j]
                guard past >= 0 else { break }
                index += past * weight
                weight *= bins
                let slot = c * tableSize + offsets[j] + index
                known += 1
                // Seen too long ago counts as never: the memory is about the recent pattern.
                if lastSeen[slot] < 0 || count - lastSeen[slot] > memorySamples { new += 1 }
                lastSeen[slot] = count
            }
            novelty[c] = known == order ? Double(new) / Double(order) : 0
        }
    }

    /// Appends the running state to `state` (see `SavedState`).
    public func save(to state: inout SavedState) {
        state.append(count)
        for seen in lastSeen { state.append(seen) }
        for cell in recentCells { state.append(cell) }
    }

    /// Reads back what `save` wrote for the same settings.
    public mutating func load(from reader: inout SavedStateReader) throws(SavedStateError) {
        count = try reader.int()
        for i in lastSeen.indices {
            lastSeen[i] = try reader.int()
            guard lastSeen[i] >= -1, lastSeen[i] <= count else { throw .badCount(Double(lastSeen[i])) }
        }
        for i in recentCells.indices {
            recentCells[i] = try reader.int()
            guard recentCells[i] >= -1, recentCells[i] < bins else { throw .badCount(Double(recentCells[i])) }
        }
    }
}
