import CAllocationCounter
import StreamFeatures
import Testing

/// Late, out-of-order, duplicated and too-old targets against a ring of 4 steps.
@Suite struct TargetJoinerTests {
    func makeJoiner(steps: Int) -> TargetJoiner {
        let joiner = TargetJoiner(capacity: 4, predictionCount: 1, inputCount: 2, tolerance: 0.03)
        for step in 0..<steps {
            let prediction: [Float] = [Float(step) * 10]
            let input: [Float] = [Float(step), -Float(step)]
            prediction.withUnsafeBufferPointer { p in
                input.withUnsafeBufferPointer { i in joiner.record(step: step, key: Double(step) * 0.1, prediction: p, input: i) }
            }
        }
        return joiner
    }

    @Test("late and out-of-order targets find their steps and vectors")
    func lateOutOfOrder() throws {
        let joiner = makeJoiner(steps: 6)  // holds steps 2...5
        let late = try joiner.join(key: 0.51).get()
        #expect(late.step == 5 && Array(joiner.prediction(of: late)) == [50] && Array(joiner.input(of: late)) == [5, -5])
        #expect(try joiner.join(key: 0.29).get().step == 3)
        #expect(try joiner.join(key: 0.2).get().step == 2)
        #expect(joiner.joined == 3)
    }

    @Test("duplicates, too old, and not found")
    func misses() {
        let joiner = makeJoiner(steps: 6)
        _ = joiner.join(key: 0.4)
        #expect(joiner.join(key: 0.41) == .failure(.duplicate(step: 4)))
        #expect(joiner.join(key: 0.05) == .failure(.tooOld(oldestKey: 0.2)))
        #expect(joiner.join(key: 0.9) == .failure(.notFound))
        #expect(joiner.join(key: 0.35) == .failure(.notFound))  // between steps, beyond tolerance
        #expect(makeJoiner(steps: 0).join(key: 0) == .failure(.notFound))
        #expect(joiner.missed == 4)
    }

    @Test("of several steps with the same key, the latest is joined; the next target with that key is a duplicate")
    func tieJoinsTheLatest() throws {
        let joiner = TargetJoiner(capacity: 8, predictionCount: 0, inputCount: 1, tolerance: 0)
        let none = UnsafeBufferPointer<Float>(start: nil, count: 0)
        for (step, key) in [(0, 1.0), (1, 2.0), (2, 2.0), (3, 3.0)] {
            [Float(step)].withUnsafeBufferPointer { joiner.record(step: step, key: key, prediction: none, input: $0) }
        }
        let match = try joiner.join(key: 2).get()
        #expect(match.step == 2 && Array(joiner.input(of: match)) == [2])
        #expect(joiner.join(key: 2) == .failure(.duplicate(step: 2)))
    }

    @Test("record and join allocate nothing after construction")
    func noAllocation() {
        let joiner = makeJoiner(steps: 4)
        let prediction: [Float] = [1]
        let input: [Float] = [1, 2]
        var matched = 0
        prediction.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { i in
                hamlet_allocation_counting_begin()
                for step in 4..<1_000 {
                    joiner.record(step: step, key: Double(step) * 0.1, prediction: p, input: i)
                    if case .success = joiner.join(key: Double(step - 2) * 0.1) { matched += 1 }
                }
                #expect(hamlet_allocation_counting_end() == 0)
            }
        }
        #expect(matched == 996)
    }
}
