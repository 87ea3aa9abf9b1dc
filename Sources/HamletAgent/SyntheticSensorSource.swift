import Glibc
import HamiltonianLearning
import VectorStream
import SystemPrimitives
import LearningPipeline

/// `hamlet run`'s built-in stream: a seeded sinusoid mixture with noise on each channel that
/// changes character at a known step (a mean shift of +10σ and a new periodic component), so
/// that a fresh install has something to learn and a drift to find.
///
/// Endless unless `steps` > 0; paced to `rateHz` steps per second when positive, otherwise as
/// fast as possible. While it sleeps until the next step it runs the context's idle work at
/// least every 50 ms and ends at a stop request.
public final class SyntheticSensorSource: RecordSource {
    public let columns: [String]
    public var positionName: String { "tick" }
    public let changeAt: Int
    private var base: SyntheticStream
    private var generator: SeededGenerator
    private let steps: Int
    private let rateHz: Double
    private let noise = 0.05
    private let context: RunContext
    private var index = 0
    private var nextTime = -Double.infinity

    public init(
        channels: Int, changeAt: Int, steps: Int, rateHz: Double, seed: UInt64,
        context: RunContext = RunContext()
    ) {
        precondition(channels >= 1 && changeAt >= 0 && steps >= 0 && rateHz >= 0)
        columns = (0..<channels).map { "x\($0)" }
        self.changeAt = changeAt
        self.steps = steps
        self.rateHz = rateHz
        self.context = context
        base = SyntheticStream(kind: .sinusoids, channels: channels, noise: 0, seed: seed)
        generator = SeededGenerator(seed: seed &+ 0x9E37_79B9)
    }

    public func next(into sample: inout Sample) throws(SourceError) -> Bool {
        if steps > 0, index >= steps { return false }
        if rateHz > 0 {
            guard waitForNextTick() else { return false }
        } else if context.isStopRequested {
            return false
        }
        defer { index += 1 }
        base.next(into: &sample.values)
        var offset = 0.0
        if changeAt > 0, index >= changeAt {
            offset = 10 * noise + 10 * noise * sin(2 * Double.pi * Double(index - changeAt) / 37)
        }
        for j in sample.values.indices { sample.values[j] += noise * generator.nextGaussian() + offset }
        sample.position = index
        sample.time = nil
        return true
    }

    private func waitForNextTick() -> Bool {
        let period = 1 / rateHz
        let now = MonotonicClock.nowSeconds()
        if nextTime == -.infinity { nextTime = now }
        while true {
            if context.isStopRequested { return false }
            let remaining = nextTime - MonotonicClock.nowSeconds()
            if remaining <= 0 { break }
            // Short naps with the idle work between them keep the watchdog fed at slow rates.
            var pause = timespec(tv_sec: 0, tv_nsec: Int(min(remaining, 0.05) * 1e9))
            nanosleep(&pause, nil)
            context.idle()
        }
        // Behind by more than a period: carry on from now rather than bursting to catch up.
        nextTime = max(nextTime + period, MonotonicClock.nowSeconds() - period)
        return true
    }
}
