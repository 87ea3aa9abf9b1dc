/// Matches late supervised targets to the step they label, from a fixed ring of the last K steps.
///
/// Each recorded step carries a key (a timestamp in seconds, or a sequence number with tolerance 0)
/// that must not decrease. A target's key joins the nearest recorded key within `tolerance`
/// (the later on a tie: of several steps with one key, the latest has the most complete vector). Memory is fixed at construction: prediction and input vectors live in
/// preallocated slabs, and `record`/`join` allocate nothing. One thread at a time.
public final class TargetJoiner {
    /// Why a target found no step.
    public enum Miss: Error, Sendable, Hashable {
        /// The matching step has left the ring; `oldestKey` is the oldest key still held.
        case tooOld(oldestKey: Double)
        /// No recorded step lies within the tolerance of the key.
        case notFound
        /// The matching step was already joined to an earlier target.
        case duplicate(step: Int)
    }

    /// A joined step; read its vectors with `prediction(of:)` and `input(of:)` before the next `record`.
    public struct Match: Sendable, Hashable {
        public let step: Int
        public let key: Double
        let slot: Int
    }

    public let capacity: Int
    public let predictionCount: Int
    public let inputCount: Int
    public let tolerance: Double
    public private(set) var joined = 0
    public private(set) var missed = 0
    private let steps: UnsafeMutablePointer<Int>
    private let keys: UnsafeMutablePointer<Double>
    private let used: UnsafeMutablePointer<Bool>
    private let predictions: UnsafeMutablePointer<Float>
    private let inputs: UnsafeMutablePointer<Float>
    /// Records so far; the ring holds the last min(recorded, capacity).
    private var recorded = 0

    public init(capacity: Int, predictionCount: Int, inputCount: Int, tolerance: Double) {
        precondition(capacity >= 1, "TargetJoiner needs capacity ≥ 1, got \(capacity)")
        precondition(predictionCount >= 0 && inputCount >= 0, "TargetJoiner needs vector counts ≥ 0")
        precondition(tolerance >= 0 && tolerance.isFinite, "TargetJoiner needs a finite tolerance ≥ 0, got \(tolerance)")
        self.capacity = capacity
        self.predictionCount = predictionCount
        self.inputCount = inputCount
        self.tolerance = tolerance
        steps = .allocate(capacity: capacity)
        steps.initialize(repeating: 0, count: capacity)
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: 0, count: capacity)
        used = .allocate(capacity: capacity)
        used.initialize(repeating: false, count: capacity)
        predictions = .allocate(capacity: max(1, capacity * predictionCount))
        predictions.initialize(repeating: 0, count: max(1, capacity * predictionCount))
        inputs = .allocate(capacity: max(1, capacity * inputCount))
        inputs.initialize(repeating: 0, count: max(1, capacity * inputCount))
    }

    deinit {
        steps.deallocate()
        keys.deallocate()
        used.deallocate()
        predictions.deallocate()
        inputs.deallocate()
    }

    /// Remembers one step, evicting the oldest when full; `key` must not be below the previous key.
    public func record(step: Int, key: Double, prediction: UnsafeBufferPointer<Float>, input: UnsafeBufferPointer<Float>) {
        precondition(prediction.count == predictionCount && input.count == inputCount,
                     "TargetJoiner.record needs \(predictionCount) predictions and \(inputCount) inputs")
        precondition(key.isFinite, "TargetJoiner.record needs a finite key")
        if recorded > 0 { precondition(key >= keys[(recorded - 1) % capacity], "TargetJoiner keys must not decrease") }
        let slot = recorded % capacity
        steps[slot] = step
        keys[slot] = key
        used[slot] = false
        if predictionCount > 0 { (predictions + slot * predictionCount).update(from: prediction.baseAddress!, count: predictionCount) }
        if inputCount > 0 { (inputs + slot * inputCount).update(from: input.baseAddress!, count: inputCount) }
        recorded += 1
    }

    /// The step a target with `key` labels, marked joined, or why there is none.
    public func join(key target: Double) -> Result<Match, Miss> {
        let held = min(recorded, capacity)
        let first = recorded - held  // logical index of the oldest held step
        func keyAt(_ logical: Int) -> Double { keys[logical % capacity] }
        // Binary search for the first held key ≥ key − tolerance (keys are nondecreasing).
        var low = first
        var high = recorded
        while low < high {
            let middle = (low + high) / 2
            if keyAt(middle) < target - tolerance { low = middle + 1 } else { high = middle }
        }
        var best = -1
        var bestDistance = Double.infinity
        var index = low
        while index < recorded && keyAt(index) <= target + tolerance {
            let distance = abs(keyAt(index) - target)
            if distance <= bestDistance {
                best = index
                bestDistance = distance
            }
            index += 1
        }
        guard best >= 0 else {
            missed += 1
            if held > 0 && first > 0 && target < keyAt(first) - tolerance { return .failure(.tooOld(oldestKey: keyAt(first))) }
            return .failure(.notFound)
        }
        let slot = best % capacity
        guard !used[slot] else {
            missed += 1
            return .failure(.duplicate(step: steps[slot]))
        }
        used[slot] = true
        joined += 1
        return .success(Match(step: steps[slot], key: keys[slot], slot: slot))
    }

    /// The prediction recorded with a match; valid until that slot is overwritten by `record`.
    public func prediction(of match: Match) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: predictions + match.slot * predictionCount, count: predictionCount)
    }

    /// The input vector recorded with a match; valid until that slot is overwritten by `record`.
    public func input(of match: Match) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: inputs + match.slot * inputCount, count: inputCount)
    }
}
