/// What `hamlet learn` learns from each record.
public enum LearnTask: String, Sendable, CaseIterable {
    /// Predict the next record's input columns from this one (self-supervised).
    case forecast
    /// Predict named numeric target columns from the input columns.
    case regress
    /// Predict a class index 0..<K held in one target column (softmax cross-entropy).
    case classify
}

/// How a record's columns become an input vector and a target vector.
public struct ColumnMapping: Sendable, Equatable {
    public let inputIndices: [Int]
    public let targetIndices: [Int]
    public let inputNames: [String]
    public let targetNames: [String]

    /// Inputs default to every column that is neither a target, nor ignored, nor the `timestamp` column
    /// (which holds the records' time and is never an input or a target).
    public init(
        columns: [String], task: LearnTask, inputs: [String]?, targets: [String], ignored: [String], timestamp: String? = nil
    ) throws(LearnError) {
        func indices(_ names: [String], role: String) throws(LearnError) -> [Int] {
            var found: [Int] = []
            for name in names {
                guard let index = columns.firstIndex(of: name) else {
                    throw .usage("the \(role) column \"\(name)\" is not in the input; its columns are \(columns.joined(separator: ", "))")
                }
                found.append(index)
            }
            return found
        }
        switch task {
        case .forecast where !targets.isEmpty:
            throw .usage("forecast predicts the next input vector; --targets is for regress and classify")
        case .regress where targets.isEmpty:
            throw .usage("regress needs --targets naming the column(s) to predict")
        case .classify where targets.count != 1:
            throw .usage("classify needs exactly one --targets column holding class indices 0, 1, …")
        default: break
        }
        if let timestamp,
            let misuse = (inputs ?? []).contains(timestamp) ? "an input" : targets.contains(timestamp) ? "a target" : nil
        {
            throw .usage(
                "column \"\(timestamp)\" holds the records' time, so it cannot be \(misuse); to use it as a number, "
                    + "give --no-timestamp-column (or name another column with --timestamp-column)")
        }
        targetIndices = try indices(targets, role: "target")
        _ = try indices(ignored, role: "ignored")
        let inputNames = inputs ?? columns.filter { !targets.contains($0) && !ignored.contains($0) && $0 != timestamp }
        if let overlap = inputNames.first(where: { targets.contains($0) }) {
            throw .usage("column \"\(overlap)\" cannot be both an input and a target")
        }
        guard !inputNames.isEmpty else { throw .usage("no input columns are left; name them with --inputs") }
        // The model's size grows with its inputs: the same limit as a sensor payload's values and `source.mqtt.sensors`.
        guard inputNames.count <= Self.maximumInputs else {
            throw .usage(
                "\(inputNames.count) input columns; at most \(Self.maximumInputs) are learned from: choose them with --inputs "
                    + "or leave some out with --ignore")
        }
        inputIndices = try indices(inputNames, role: "input")
        self.inputNames = inputNames
        self.targetNames = targets
    }

    /// The most input columns a learner takes.
    public static let maximumInputs = 1024
}
