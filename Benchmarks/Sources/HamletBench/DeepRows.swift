import HamiltonianLearning

/// The deep forecaster on the same stream and optimiser (gradient clip 1), traces mode: µs/step for K = 1, 2, 4, 8
/// under each depth scheme (reversible with its additive-coupling blocks), then the pipelined
/// scheme on 2 threads for K = 2, 4, 8 (two groups of blocks, the caller's thread one of them).
func deepRows(inputs: [[Float]], targets: [[Float]], steps: Int, repetitions: Int, warmup: Int, width: Int) -> [SpeedResult] {
    var rows: [(DepthScheme, Int, Int)] = []
    for scheme in DepthScheme.allCases {
        for blocks in [1, 2, 4, 8] { rows.append((scheme, blocks, 1)) }
    }
    for blocks in [2, 4, 8] { rows.append((.pipelined, blocks, 2)) }
    return rows.map { scheme, blocks, threads in
        let configuration = DeepForecasterConfiguration(
            inputCount: 40, width: width, blockCount: blocks, stateCount: width, hiddenCount: width, outputCount: 40, gradientMode: .traces,
            scheme: scheme, coupling: scheme == .reversible ? .additive : .residual, threadCount: threads)
        // With the agent's clip: unclipped, pipelined K = 8 diverged on this stream (every step non-finite).
        var settings = sgdSettings
        settings.gradientClip = 1
        let learner = HamiltonianLearner(model: DeepForecaster<Float>(configuration), configuration: settings, seed: 1)
        return measure(
            learner, model: "deep 40-\(width)×K-40 (N = H = \(width)), K = \(blocks)",
            mode: "HL traces, \(scheme.rawValue)\(scheme == .pipelined ? ", \(threads) thread\(threads == 1 ? "" : "s")" : "")",
            inputs: inputs, targets: targets, steps: steps, repetitions: repetitions, warmup: warmup,
            nonFinite: { learner.nonFiniteLosses })
    }
}
