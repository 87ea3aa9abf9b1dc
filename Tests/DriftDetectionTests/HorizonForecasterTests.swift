import CAllocationCounter
import DriftDetection
import Foundation
import Testing

/// The horizon view's forecaster: it learns a pattern h steps ahead, it cannot lean on the last
/// value (a level change stays in its residual for h steps), and it is causal, restorable and
/// allocation-free.
@Suite struct HorizonForecasterTests {
    private func run(_ forecaster: inout HorizonForecaster, _ xs: [Double]) -> [Double] {
        xs.map { x in
            forecaster.step(values: [x], learnable: [x], extras: []) { v, _ in v }
            return forecaster.residual[0]
        }
    }

    @Test("a sinusoid with noise: forecast 10 steps ahead down to the noise, far below persistence's error")
    func learnsAPattern() {
        let noise = gaussianNoise(count: 4000, seed: 31, sd: 0.05)
        let xs = (0..<4000).map { sin(2 * .pi * Double($0) / 50) + noise[$0] }
        var forecaster = HorizonForecaster(channelCount: 1, horizon: 10, lags: 8)
        let residuals = run(&forecaster, xs)
        #expect(residuals.prefix(17).allSatisfy { $0.isNaN }, "no forecast before h + lags − 1 records")
        #expect(residuals[17].isFinite)
        let late = 3000..<4000
        let rms = (late.map { residuals[$0] * residuals[$0] }.reduce(0, +) / Double(late.count)).squareRoot()
        // Independent reference: the same stream forecast by its value 10 steps back.
        let persistence = (late.map { pow(xs[$0] - xs[$0 - 10], 2) }.reduce(0, +) / Double(late.count)).squareRoot()
        // A sinusoid obeys a linear recurrence, so only the noise (sd 0.05, summed over the lags
        // with small weights) is left; persistence's error is 2·sin(π/5)/√2 ≈ 0.83.
        #expect(rms < 0.1, "rms \(rms)")
        #expect(persistence > 0.7, "persistence \(persistence)")
    }

    @Test("a level step stays in the residual for h steps, then the forecast follows", arguments: [3, 30])
    func levelStepLasts(horizon: Int) {
        let noise = gaussianNoise(count: 3000, seed: 32, sd: 0.1)
        let xs = (0..<3000).map { noise[$0] + ($0 >= 2000 ? 5 : 0) }
        var forecaster = HorizonForecaster(channelCount: 1, horizon: horizon, lags: 8)
        let residuals = run(&forecaster, xs)
        // Before the step the forecast is the level; for the h steps after it, the inputs are all
        // from before the step, so the forecast still reads the old level.
        #expect(abs(residuals[1999]) < 0.5)
        let held = (2000..<(2000 + horizon)).map { residuals[$0] }
        #expect(held.allSatisfy { $0 > 4 }, "\(held.min()!)")
        // Once its inputs hold the new level, a forecaster that has learned x_t ≈ x_{t−h} follows.
        let after = 2000 + horizon + 8 + 200
        #expect(abs(residuals[after]) < 1.5, "\(residuals[after])")
    }

    @Test("a record's residual does not depend on later records; a restored state carries on exactly")
    func causalAndRestorable() throws {
        let noise = gaussianNoise(count: 1500, seed: 33, sd: 0.3)
        let xs = (0..<1500).map { cos(Double($0) / 7) + noise[$0] }
        var whole = HorizonForecaster(channelCount: 1, horizon: 5, lags: 4)
        let all = run(&whole, xs)
        var first = HorizonForecaster(channelCount: 1, horizon: 5, lags: 4)
        let head = run(&first, Array(xs.prefix(900)))
        #expect(head.elementsEqual(all.prefix(900)) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        var state = SavedState(values: [])
        first.save(to: &state)
        var restored = HorizonForecaster(channelCount: 1, horizon: 5, lags: 4)
        var reader = SavedStateReader(state)
        try restored.load(from: &reader)
        try reader.finish()
        let tail = run(&restored, Array(xs.dropFirst(900)))
        #expect(tail == Array(all.dropFirst(900)))
    }

    @Test("a NaN learnable value teaches nothing; step allocates nothing")
    func faultsAndAllocations() {
        var forecaster = HorizonForecaster(channelCount: 2, horizon: 4, lags: 3, extraCount: 2)
        let extras = [0.5, -0.5]
        for t in 0..<200 {
            let x = sin(Double(t) / 5)
            forecaster.step(values: [x, -x], learnable: [x, -x], extras: extras) { v, _ in v }
        }
        let learned = forecaster.learnedCount
        var values = [0.0, 0.0], learnable = [0.0, 0.0]
        hamlet_allocation_counting_begin()
        for t in 200..<400 {
            let x = sin(Double(t) / 5)
            values[0] = x
            values[1] = -x
            learnable[0] = x
            learnable[1] = t % 2 == 0 ? .nan : -x
            forecaster.step(values: values, learnable: learnable, extras: extras) { v, _ in v }
        }
        let allocations = hamlet_allocation_counting_end()
        #expect(allocations == 0)
        #expect(forecaster.learnedCount == learned + 100, "the second channel learned only its 100 finite values")
        #expect(forecaster.residual.allSatisfy { abs($0) < 0.1 }, "\(forecaster.residual)")
    }
}
