/// The mean of the last `size` finite losses, in O(size) memory.
package struct LossWindow {
    package static let size = 1000

    package init() {}
    private var values = [Double](repeating: 0, count: size)
    private var next = 0
    private var filled = 0
    private var sum = 0.0

    package mutating func add(_ loss: Float) {
        guard loss.isFinite else { return }
        sum += Double(loss) - values[next]
        values[next] = Double(loss)
        next = (next + 1) % Self.size
        filled = min(filled + 1, Self.size)
        // Re-add from scratch once per lap so round-off in the running sum cannot drift.
        if next == 0 { sum = values.reduce(0, +) }
    }

    package var mean: Double { filled == 0 ? .nan : sum / Double(filled) }
}
