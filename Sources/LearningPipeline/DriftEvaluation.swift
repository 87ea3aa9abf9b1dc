import DriftDetection
import VectorStream

/// `hamlet evaluate`: forecasts a stream with known change points and scores each detector's
/// alerts on the learner's loss by delay, misses and false alarms.
public struct DriftEvaluation {
    public let changePoints: [Int]
    public let maximumDelay: Int
    public let options: DriftOptions

    public init(changePoints: [Int], maximumDelay: Int = 1000, options: DriftOptions) {
        (self.changePoints, self.maximumDelay, self.options) = (changePoints, maximumDelay, options)
    }

    /// Learns from every record of `source` (forecasting the next one) and returns a report per detector,
    /// with alerts placed at the index of the record whose arrival revealed the error.
    /// `first`: a record already read from `source` (to learn its columns), learned from first.
    public func run(
        source: any RecordSource, first: Sample? = nil, learner: AgentLearner, columns: [Int]
    ) throws(SourceError) -> [(String, DetectionReport)] {
        var stage = DriftStage(options)
        var alerts: [String: [Int]] = [:]
        var input = [Float](repeating: 0, count: columns.count)
        var records = 0
        var hasPrediction = false
        var record = first ?? Sample(position: 0, values: [])
        var more = first != nil
        if !more { more = try source.next(into: &record) }
        while more {
            for (slot, column) in columns.enumerated() { input[slot] = Float(record.values[column]) }
            if hasPrediction {
                let loss = input.withUnsafeBufferPointer { learner.learn(target: $0.baseAddress!) }
                _ = stage.update(loss: Double(loss)) { alerts[$0.detector, default: []].append(records) }
            }
            input.withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) }
            hasPrediction = true
            records += 1
            more = try source.next(into: &record)
        }
        let evaluator = DetectionEvaluator(maximumDelay: maximumDelay)
        return options.detectors.map { detector in
            (detector.rawValue, evaluator.report(alerts: alerts[detector.rawValue] ?? [], changePoints: changePoints, sampleCount: records))
        }
    }
}
