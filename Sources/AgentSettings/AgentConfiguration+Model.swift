import HamiltonianLearning

extension AgentConfiguration {
    /// The `model` section: which network is learned and its sizes (inputs and outputs follow the source).
    public struct Model: Sendable, Equatable {
        /// The network family.
        public enum Kind: String, Sendable, CaseIterable {
            /// Diagonal recurrent (LRU) layer, nonlinearity and read-out, predicting the next vector.
            case forecaster
            /// A multilayer perceptron over the current vector.
            case mlp
            /// K residual blocks, each a diagonal recurrent layer → GELU → dense back to the width.
            case deep
        }

        /// `kind`
        public var kind: Kind
        /// `state_size`: complex recurrent units of the forecaster.
        public var stateSize: Int
        /// `hidden_size`: width of the forecaster's recurrent layer output; 0 = `stateSize`.
        public var hiddenSize: Int
        /// `hidden_layers`: widths of the MLP's hidden layers (mlp only).
        public var hiddenLayers: [Int]
        /// `activation`
        public var activation: ActivationChoice
        /// `gradient_mode`: how the recurrent weights get their gradient (forecaster and deep).
        public var gradientMode: RecurrentGradientMode
        /// `layers`: K, the deep model's blocks.
        public var layers: Int
        /// `width`: the deep model's residual stream width.
        public var width: Int
        /// `stage`: which part of a deep network split across agents this agent runs.
        public var stage: Stage

        public init(
            kind: Kind = .forecaster, stateSize: Int = 64, hiddenSize: Int = 0, hiddenLayers: [Int] = [32],
            activation: ActivationChoice = .automatic, gradientMode: RecurrentGradientMode = .traces, layers: Int = 2,
            width: Int = 32, stage: Stage = Stage()
        ) {
            (self.kind, self.stateSize, self.hiddenSize) = (kind, stateSize, hiddenSize)
            (self.hiddenLayers, self.activation, self.gradientMode) = (hiddenLayers, activation, gradientMode)
            (self.layers, self.width, self.stage) = (layers, width, stage)
        }

        /// The activation function in use: `default` is gelu for the forecasters and tanh for the MLP.
        public var resolvedActivation: Activation {
            switch activation {
            case .automatic: kind == .mlp ? .tanh : .gelu
            case .identity: .identity
            case .tanh: .tanh
            case .relu: .relu
            case .gelu: .gelu
            }
        }

        /// The forecaster's hidden width: `hiddenSize`, or `stateSize` when it is 0.
        public var resolvedHiddenSize: Int { hiddenSize == 0 ? stateSize : hiddenSize }
    }
}
