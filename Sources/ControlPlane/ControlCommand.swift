/// One validated control command. Setting commands carry values already range-checked;
/// the agent applies them between two learning steps.
public enum ControlCommand: Sendable, Equatable {
    /// Reply with the effective configuration.
    case getConfig
    /// Reply with the agent's status.
    case getStatus
    case setLearning(LearningChange)
    /// Stop learning; predictions continue.
    case pause
    /// Learn again after `pause`.
    case resume
    /// New weights, costates and state.
    case resetModel
    /// Zero the costates (and traces), keeping the weights.
    case resetCostates
    /// Write a checkpoint now.
    case checkpoint
    case setDetector(DetectorChange)
    case setPredictionRate(PredictionRateChange)

    public var name: ControlCommandName {
        switch self {
        case .getConfig: .getConfig
        case .getStatus: .getStatus
        case .setLearning: .setLearning
        case .pause: .pause
        case .resume: .resume
        case .resetModel: .resetModel
        case .resetCostates: .resetCostates
        case .checkpoint: .checkpoint
        case .setDetector: .setDetector
        case .setPredictionRate: .setPredictionRate
        }
    }
}
