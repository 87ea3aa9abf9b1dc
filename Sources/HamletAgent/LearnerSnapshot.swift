import HamiltonianLearning

/// The learner's last good numbers (θ, ω, recurrent state) in buffers allocated once, so that a
/// fault can put them back. `take`, `restore` and `firstNonFinite` allocate nothing; one thread.
final class LearnerSnapshot {
    private let live: [(name: String, buffer: ScalarBuffer<Float>)]
    private let saved: [ScalarBuffer<Float>]
    /// The learner's step count when the copy was taken; nil before the first good copy.
    private(set) var step: Int64?

    init(of learner: AgentLearner) {
        live = learner.namedBuffers
        saved = live.map { ScalarBuffer(count: $0.buffer.count) }
    }

    /// Where the live numbers first stop being finite: `weights[12] is nan`; nil when all are finite.
    func firstNonFinite() -> String? {
        for (name, buffer) in live {
            for index in 0..<buffer.count where !buffer.pointer[index].isFinite {
                return "\(name)[\(index)] is \(buffer.pointer[index])"
            }
        }
        return nil
    }

    /// Copies the live numbers, which the caller has found finite, as the last good state.
    func take(atStep stepCount: Int64) {
        for (index, part) in live.enumerated() { saved[index].pointer.update(from: part.buffer.pointer, count: part.buffer.count) }
        step = stepCount
    }

    /// Puts the last good numbers back into `learner` (whose buffers these are); false when there is none.
    func restore(into learner: AgentLearner) -> Bool {
        guard step != nil else { return false }
        for (index, part) in live.enumerated() { part.buffer.pointer.update(from: saved[index].pointer, count: part.buffer.count) }
        learner.parametersDidChange()
        return true
    }
}
