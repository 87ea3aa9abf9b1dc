/// The commands the control topic accepts, by their wire name (`"command"` in a request).
public enum ControlCommandName: String, Sendable, Hashable, CaseIterable {
    case getConfig = "get-config"
    case getStatus = "get-status"
    case setLearning = "set-learning"
    case pause
    case resume
    case resetModel = "reset-model"
    case resetCostates = "reset-costates"
    case checkpoint
    case setDetector = "set-detector"
    case setPredictionRate = "set-prediction-rate"
}
