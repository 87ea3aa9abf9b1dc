import VectorStream
import AgentSettings
import ArgumentParser
import HamiltonianLearning
import HamletAgent

/// Command-line choice of model and sizes; every option is optional so that a checkpoint's
/// model can be used when none is given. Unset options take `hamlet run`'s defaults
/// (`AgentConfiguration.Model`), and the model is built by the same code as there.
struct ModelOptions: ParsableArguments {
    private static let defaults = AgentConfiguration.Model()

    @Option(help: "forecaster (diagonal recurrent LRU layer; default), mlp (feed-forward) or deep (residual LRU blocks).")
    var model: AgentConfiguration.Model.Kind?

    @Option(help: "Forecaster and deep: complex recurrent units N (default \(defaults.stateSize)).")
    var stateSize: Int?

    @Option(help: "Forecaster: width of the recurrent layer's output (default: the state size).")
    var hiddenSize: Int?

    @Option(help: "MLP: comma-separated hidden layer widths (default \(defaults.hiddenLayers.map(String.init).joined(separator: ","))).")
    var hiddenLayers: String?

    @Option(help: "identity, tanh, relu or gelu (default gelu for the forecaster, tanh for the MLP).")
    var activation: Activation?

    @Option(help: "Forecaster and deep: how the recurrent weights learn: traces (exact, default) or costate (pure HL).")
    var gradientMode: RecurrentGradientMode?

    @Option(help: "Deep: the number of residual blocks K (default \(defaults.layers)).")
    var layers: Int?

    @Option(help: "Deep: the width of the residual stream (default \(defaults.width)).")
    var width: Int?

    @Option(help: "Deep: how the error reaches the blocks: \(DepthScheme.allCases.map(\.rawValue).joined(separator: ", ")) (default instant).")
    var scheme: DepthScheme?

    @Option(help: "Deep, pipelined: threads that run the blocks (default 1; the result is the same bit for bit).")
    var threads: Int?

    var isEmpty: Bool {
        model == nil && stateSize == nil && hiddenSize == nil && hiddenLayers == nil && activation == nil
            && gradientMode == nil && layers == nil && width == nil && scheme == nil && threads == nil
    }

    func configuration(inputCount: Int, outputCount: Int) throws -> ModelConfiguration {
        var settings = AgentConfiguration()
        settings.model.kind = model ?? Self.defaults.kind
        switch settings.model.kind {
        case .forecaster, .deep:
            if hiddenLayers != nil { throw ValidationError("--hidden-layers is for --model mlp; the forecasters take --hidden-size") }
        case .mlp:
            if stateSize != nil || hiddenSize != nil || gradientMode != nil {
                throw ValidationError("--state-size, --hidden-size and --gradient-mode are for the forecasters; the MLP takes --hidden-layers")
            }
        }
        if settings.model.kind != .deep, layers != nil || width != nil || scheme != nil || threads != nil {
            throw ValidationError("--layers, --width, --scheme and --threads are for --model deep")
        }
        if settings.model.kind == .deep, let activation, activation != .gelu {
            throw ValidationError("the deep model's blocks use gelu; leave out --activation \(activation.rawValue)")
        }
        if let layers { settings.model.layers = layers }
        if let width { settings.model.width = width }
        if let scheme { settings.learning.scheme = scheme }
        if let threads { settings.learning.threads = threads }
        if let stateSize { settings.model.stateSize = stateSize }
        if let hiddenSize { settings.model.hiddenSize = hiddenSize }
        if let gradientMode { settings.model.gradientMode = gradientMode }
        if let activation { settings.model.activation = ActivationChoice(rawValue: activation.rawValue) ?? .automatic }
        if let hiddenLayers {
            let parsed = hiddenLayers.split(separator: ",").map { Int($0.trimmingBlanks) }
            guard !parsed.isEmpty, let valid = parsed as? [Int] else {
                throw ValidationError("--hidden-layers takes comma-separated widths such as 64,32; got \"\(hiddenLayers)\"")
            }
            settings.model.hiddenLayers = valid
        }
        let chosen = settings.modelConfiguration(inputCount: inputCount, outputCount: outputCount)
        if let problem = chosen.problems.first { throw ValidationError(problem) }
        return chosen
    }
}

extension AgentConfiguration.Model.Kind: ExpressibleByArgument {}
extension DepthScheme: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension RecurrentGradientMode: ExpressibleByArgument {}
extension UpdateOrdering: ExpressibleByArgument {}

import FoundationEssentials
import LearningPipeline
