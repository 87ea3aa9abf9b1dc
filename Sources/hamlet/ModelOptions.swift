import ArgumentParser
import HamiltonianLearning
import HamletAgent

/// Command-line choice of model and sizes; every option is optional so that a checkpoint's
/// model can be used when none is given.
struct ModelOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable { case forecaster, mlp }

    @Option(help: "forecaster (diagonal recurrent LRU layer; default) or mlp (feed-forward).")
    var model: Kind?

    @Option(help: "Forecaster: complex recurrent units N (default 64).")
    var stateSize: Int?

    @Option(help: "Forecaster: width of the recurrent layer's output (default: the state size).")
    var hiddenSize: Int?

    @Option(help: "MLP: comma-separated hidden layer widths (default 32).")
    var hiddenLayers: String?

    @Option(help: "identity, tanh, relu or gelu (default gelu for the forecaster, tanh for the MLP).")
    var activation: Activation?

    @Option(help: "Forecaster: how the recurrent weights learn: traces (exact, default) or costate (pure HL).")
    var gradientMode: RecurrentGradientMode?

    var isEmpty: Bool {
        model == nil && stateSize == nil && hiddenSize == nil && hiddenLayers == nil && activation == nil
            && gradientMode == nil
    }

    func configuration(inputCount: Int, outputCount: Int) throws -> ModelConfiguration {
        let chosen: ModelConfiguration
        switch model ?? .forecaster {
        case .forecaster:
            if hiddenLayers != nil { throw ValidationError("--hidden-layers is for --model mlp; the forecaster takes --hidden-size") }
            chosen = .forecaster(
                ForecasterConfiguration(
                    inputCount: inputCount, stateCount: stateSize ?? 64, hiddenCount: hiddenSize, outputCount: outputCount,
                    activation: activation ?? .gelu, gradientMode: gradientMode ?? .traces))
        case .mlp:
            if stateSize != nil || hiddenSize != nil || gradientMode != nil {
                throw ValidationError("--state-size, --hidden-size and --gradient-mode are for the forecaster; the MLP takes --hidden-layers")
            }
            var widths = [32]
            if let hiddenLayers {
                let parsed = hiddenLayers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !parsed.isEmpty, let valid = parsed as? [Int] else {
                    throw ValidationError("--hidden-layers takes comma-separated widths such as 64,32; got \"\(hiddenLayers)\"")
                }
                widths = valid
            }
            chosen = .mlp(
                MLPConfiguration(inputCount: inputCount, hiddenCounts: widths, outputCount: outputCount, activation: activation ?? .tanh))
        }
        if let problem = chosen.problems.first { throw ValidationError(problem) }
        return chosen
    }
}

extension Activation: ExpressibleByArgument {}
extension RecurrentGradientMode: ExpressibleByArgument {}
extension UpdateOrdering: ExpressibleByArgument {}

import Foundation
