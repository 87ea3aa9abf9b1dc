#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPrimitives

/// Round-numbered ticks (1, 2 or 5 times a power of ten) for a numeric axis.
enum NumberTicks {
    static func ticks(in range: ClosedRange<Double>, about count: Int) -> [AxisTick] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [AxisTick(value: range.lowerBound, label: label(range.lowerBound, step: 1))] }
        let step = niceStep(span / Double(max(1, count)))
        var ticks: [AxisTick] = []
        var value = (range.lowerBound / step).rounded(.up) * step
        while value <= range.upperBound + step * 1e-9 {
            ticks.append(AxisTick(value: value, label: label(value, step: step)))
            value += step
        }
        return ticks
    }

    static func niceStep(_ rough: Double) -> Double {
        let power = pow(10, floor(log10(rough)))
        let fraction = rough / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    /// As many decimals as the step needs, so 0.25 and 30000 both read naturally.
    static func label(_ value: Double, step: Double) -> String {
        let decimals = max(0, min(6, Int(-floor(log10(step)))))
        let rounded = abs(value) < step * 1e-6 ? 0 : value
        return PrintfFormat.string("%.\(decimals)f", rounded)
    }

    /// A range with a little room above and below, so a line at its extremes stays visible.
    static func padded(_ values: some Sequence<Double>) -> ClosedRange<Double> {
        var low = Double.infinity, high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        guard low <= high else { return 0...1 }
        let margin = high > low ? (high - low) * 0.05 : max(abs(low) * 0.1, 1)
        return (low - margin)...(high + margin)
    }
}
