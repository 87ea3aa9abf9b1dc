/// `InputScreen`'s rule for the values a channel had before it had a range: its first
/// `RobustScaler.exactSamples` records, kept until the scaler's plain running moments end.
///
/// Then each channel's values are judged against their own median, with their median absolute
/// deviation as the scale of `InputScreen.halfWidth`; a value beyond it (a first record of 3.4e38 among values
/// near 1) is dropped, and the channel's location and scale are the plain mean and mean absolute
/// deviation of the rest. Without a drop nothing changes, so ordinary streams are untouched.
/// Allocates only in `init` (the drops list keeps its capacity); one thread.
struct WarmUpScreen {
    let channelCount: Int
    let sampleCount: Int
    /// Channel c's k-th value at c·sampleCount + k; NaN where none was recorded.
    private var values: [Double]
    private var sorted: [Double]
    private var deviations: [Double]

    init(channelCount: Int, sampleCount: Int) {
        self.channelCount = channelCount
        self.sampleCount = sampleCount
        values = [Double](repeating: .nan, count: channelCount * sampleCount)
        sorted = [Double](repeating: 0, count: sampleCount)
        deviations = sorted
    }

    /// Keeps record `index` (0-based, below `sampleCount`) of every channel.
    mutating func record(_ record: [Double], at index: Int) {
        for c in 0..<channelCount { values[c * sampleCount + index] = record[c] }
    }

    /// Channel c's location and scale without its outliers, and the outliers; nil when it has none
    /// (or fewer than three values to judge by).
    mutating func refit(channel c: Int, into drops: inout [InputClip]) -> (location: Double, scale: Double)? {
        var n = 0
        for k in 0..<sampleCount where values[c * sampleCount + k].isFinite {
            sorted[n] = values[c * sampleCount + k]
            n += 1
        }
        guard n >= 3 else { return nil }
        let median = Self.median(&sorted, n)
        for k in 0..<n { deviations[k] = abs(sorted[k] - median) }
        let deviation = Self.median(&deviations, n)
        let halfWidth = InputScreen.halfWidth(scale: deviation)
        var sum = 0.0
        var kept = 0
        for k in 0..<n where abs(sorted[k] - median) <= halfWidth {
            sum += sorted[k]
            kept += 1
        }
        guard kept < n else { return nil }
        let location = sum / Double(kept)
        var spread = 0.0
        for k in 0..<n {
            if abs(sorted[k] - median) <= halfWidth {
                spread += abs(sorted[k] - location)
            } else {
                drops.append(
                    InputClip(channel: c, value: sorted[k], clippedTo: .nan, location: median, scale: deviation))
            }
        }
        return (location, spread / Double(kept))
    }

    /// The median of the first `n` values of `buffer`, which it sorts (insertion sort: n ≤ 20 or so).
    private static func median(_ buffer: inout [Double], _ n: Int) -> Double {
        for i in 1..<n {
            let x = buffer[i]
            var j = i - 1
            while j >= 0 && buffer[j] > x {
                buffer[j + 1] = buffer[j]
                j -= 1
            }
            buffer[j + 1] = x
        }
        return n % 2 == 1 ? buffer[n / 2] : (buffer[n / 2 - 1] + buffer[n / 2]) / 2
    }
}
