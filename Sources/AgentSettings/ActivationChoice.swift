/// `model.activation`: an activation function, or `default` to let the model kind choose.
public enum ActivationChoice: String, Sendable, CaseIterable {
    /// gelu for the forecaster, tanh for the MLP.
    case automatic = "default"
    case identity, tanh, relu, gelu
}
