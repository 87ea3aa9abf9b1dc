import DriftDetection
import Logging
import VectorStream
import LearningPipeline

/// The first stage's part of `hamlet run`: records from the source become the learner's inputs
/// and targets exactly as a whole agent makes them (`ForecastScoring`), one pair per step.
///
/// Step t learns to forecast record t + 1 from record t, so a pair is complete only when the next
/// record arrives: the first stage runs one record behind its source, as a whole agent scores
/// its forecast one record later.
final class StageInput {
    let source: any ServiceSource
    private var scoring: ForecastScoring
    private var input: [Float]
    private var pending: [Float]?
    /// Every record is read into this one sample.
    private var record = Sample(position: 0, values: [])
    private let logger: Logger
    /// Records read from the source.
    private(set) var records = 0

    init(source: any ServiceSource, inputCount: Int, score: ForecastScoreConfiguration, logger: Logger) {
        self.source = source
        self.logger = logger
        scoring = ForecastScoring(channelCount: source.columns.count, usesCalendar: source.recordsHaveTime, score: score)
        input = [Float](repeating: 0, count: inputCount)
    }

    /// The next step's input and target, nil at the end of the source.
    func next() throws(LearnError) -> (input: [Float], target: [Float])? {
        while true {
            do {
                guard try source.next(into: &record) else { return nil }
            } catch {
                // As a whole agent: a bad record is reported and skipped.
                guard error.isRecoverable else { throw .badRecord(line: error.position, error.message) }
                logger.warning("skipped a bad record: \(error)")
                continue
            }
            records += 1
            scoring.read(timestamp: record.time) { record.values[$0] }
            let target = scoring.target
            input.withUnsafeMutableBufferPointer { scoring.nextInput(timestamp: record.time, into: $0.baseAddress!) }
            defer { pending = input }
            if let previous = pending { return (previous, target) }
        }
    }

    /// The normalisation's and the score's state, for the stage's checkpoint.
    var savedState: SavedState { scoring.savedState }

    func restore(_ state: SavedState) throws(SavedStateError) { try scoring.restore(state) }
}
