import HamiltonianLearning

/// The learner's last good numbers (θ, ω, recurrent state) in buffers allocated once, so that a
/// fault can put them back. `take`, `restore` and `firstNonFinite` allocate nothing; one thread.
final class LearnerSnapshot {
    // Names and buffers apart, walked by index: iterating an array of tuples allocated in debug builds.
    private let names: [String]
    private let live: [ScalarBuffer<Float>]
    private let saved: [ScalarBuffer<Float>]
    /// The learner's step count when the copy was taken; nil before the first good copy.
    private(set) var step: Int64?

    init(of learner: AgentLearner) {
        let named = learner.namedBuffers
        names = named.map(\.name)
        live = named.map(\.buffer)
        saved = live.map { ScalarBuffer(count: $0.count) }
    }

    /// Where the live numbers first stop being finite: `weights[12] is nan`; nil when all are finite.
    func firstNonFinite() -> String? {
        for part in 0..<live.count {
            let values = live[part].pointer
            for index in 0..<live[part].count where !values[index].isFinite {
                return "\(names[part])[\(index)] is \(values[index])"
            }
        }
        return nil
    }

    /// Copies the live numbers, which the caller has found finite, as the last good state.
    func take(atStep stepCount: Int64) {
        for part in 0..<live.count { saved[part].pointer.update(from: live[part].pointer, count: live[part].count) }
        step = stepCount
    }

    /// Puts the last good numbers back into `learner` (whose buffers these are); false when there is none.
    func restore(into learner: AgentLearner) -> Bool {
        guard step != nil else { return false }
        for part in 0..<live.count { live[part].pointer.update(from: saved[part].pointer, count: live[part].count) }
        learner.parametersDidChange()
        return true
    }
}
