// hamlet-quality --deep: the deep forecaster (8-W×K-8, N = H = W, traces inside each block) under
// each depth scheme for K ∈ {1, 2, 4}, against Adam with truncated BPTT through the same network
// (TruncatedDeepLearner: chunks of 32 steps, one update per chunk). `instant` and `pipelined` use
// residual blocks, `reversible` additive-coupling ones; each has its Adam peer on the same blocks.
import BenchSupport
import HamiltonianLearning

enum DeepLearnerKind: Sendable, Equatable {
    case hamiltonian(DepthScheme, beta: Double, eta: Double)
    case adam(BlockCoupling, learningRate: Double)

    var coupling: BlockCoupling {
        switch self {
        case .hamiltonian(let scheme, _, _): scheme == .reversible ? .additive : .residual
        case .adam(let coupling, _): coupling
        }
    }

    var family: String {
        switch self {
        case .hamiltonian(let scheme, _, _): "HL \(scheme.rawValue)"
        case .adam(let coupling, _): "Adam + TBPTT(32), \(coupling.rawValue) blocks"
        }
    }

    var setting: String {
        switch self {
        case .hamiltonian(_, let beta, let eta): "β \(beta), η \(eta)"
        case .adam(_, let lr): "lr \(lr)"
        }
    }

    static let families = [
        "HL instant", "HL pipelined", "Adam + TBPTT(32), residual blocks", "HL reversible", "Adam + TBPTT(32), additive blocks",
    ]
}

struct DeepRunSpec: Sendable {
    var stream: StreamKind
    var blocks: Int
    var learner: DeepLearnerKind
}

struct DeepRunResult: Sendable {
    var spec: DeepRunSpec
    var windowMSE: Double
    var nonFiniteLosses: Int
    var seconds: Double
}

func deepConfiguration(_ spec: DeepRunSpec, width: Int) -> DeepForecasterConfiguration {
    var scheme = DepthScheme.instant
    if case .hamiltonian(let chosen, _, _) = spec.learner { scheme = chosen }
    return DeepForecasterConfiguration(
        inputCount: channels, width: width, blockCount: spec.blocks, stateCount: width, hiddenCount: width,
        outputCount: channels, gradientMode: .traces, scheme: scheme, coupling: spec.learner.coupling)
}

func runDeep(_ spec: DeepRunSpec, options: Options) -> DeepRunResult {
    let start = monotonicNanoseconds()
    let model = DeepForecaster<Float>(deepConfiguration(spec, width: options.width))
    let outcome: (Double, Int)
    switch spec.learner {
    case .hamiltonian(_, let beta, let eta):
        // The agent's gradient clip: the deep schemes run with it in `hamlet`.
        let settings = HamiltonianConfiguration(
            tau: 1, beta: beta, eta: eta, phi: .constant(1), ordering: .backpropagation, gradientClip: 1)
        outcome = evaluate(spec.stream, HamiltonianLearner(model: model, configuration: settings, seed: 1), options: options)
    case .adam(_, let lr):
        let learner = TruncatedDeepLearner(
            model: model, optimizer: AdaptiveMomentEstimation<Float>(learningRate: Float(lr)), window: 32, seed: 1)
        outcome = evaluate(spec.stream, learner, options: options)
    }
    return DeepRunResult(
        spec: spec, windowMSE: outcome.0, nonFiniteLosses: outcome.1, seconds: Double(monotonicNanoseconds() - start) / 1e9)
}

func runDeepQuality(_ options: Options) {
    let depths = [1, 2, 4]
    var specs: [DeepRunSpec] = []
    // Most expensive first, so the threads finish together.
    for blocks in depths.reversed() {
        for stream in StreamKind.allCases {
            for coupling in [BlockCoupling.residual, .additive] {
                for lr in adamRates { specs.append(DeepRunSpec(stream: stream, blocks: blocks, learner: .adam(coupling, learningRate: lr))) }
            }
            for scheme in [DepthScheme.reversible, .instant, .pipelined] {
                for beta in betas {
                    for eta in etas {
                        specs.append(DeepRunSpec(stream: stream, blocks: blocks, learner: .hamiltonian(scheme, beta: beta, eta: eta)))
                    }
                }
            }
        }
    }
    let (all, wallSeconds) = runInParallel(specs, threads: options.threads, progress: { spec, result in
        "\(spec.stream.rawValue) / K = \(spec.blocks) / \(spec.learner.family) / \(spec.learner.setting): "
            + "MSE \(short(result.windowMSE)), \(format(result.seconds, 1)) s"
    }) { runDeep($0, options: options) }
    let w = options.width
    print("## Learning quality of the deep forecaster: one-step-ahead forecasting\n")
    print("Deep forecaster 8-\(w)×K-8 (N = H = \(w), GELU, skip, traces inside each block), Float, \(grouped(options.steps)) steps per run; "
        + "**final MSE** over the last \(grouped(options.window)) steps (prequential). Best of a fixed grid per learner: "
        + "HL β ∈ {0.003, 0.01, 0.03} × η ∈ {0.5, 1} (τ = 1, φ = 1, BP ordering, gradient clip 1 as in the agent); "
        + "Adam lr ∈ {3e-4, 1e-3, 3e-3} with truncated BPTT through the whole network over chunks of 32 steps "
        + "(one update per chunk on its mean loss). `instant` and `pipelined` use residual blocks, `reversible` "
        + "additive-coupling blocks (each block a pair of half-width updates); each has its Adam peer on the same blocks.\n")
    for stream in StreamKind.allCases { print("- \(stream.title): \(stream.description)") }
    print("")
    var rows: [[String]] = []
    for stream in StreamKind.allCases {
        let reference = yardsticks(stream, options: options)
        for blocks in depths {
            for family in DeepLearnerKind.families {
                let candidates = all.filter { $0.spec.stream == stream && $0.spec.blocks == blocks && $0.spec.learner.family == family }
                guard let best = candidates.min(by: { $0.windowMSE < $1.windowMSE }) else { continue }
                let diverged = candidates.filter { !$0.windowMSE.isFinite }.count
                rows.append([
                    stream.title, String(blocks), family, best.spec.learner.setting, short(best.windowMSE),
                    format(best.windowMSE / reference.persistence, 3),
                    diverged > 0 ? "\(diverged) of \(candidates.count) settings diverged" : "",
                ])
            }
        }
        rows.append([stream.title, "—", "persistence (x̂ₜ₊₁ = xₜ)", "—", short(reference.persistence), "1.000", ""])
        rows.append([stream.title, "—", "noise floor (oracle, σ²)", "—", short(reference.floor), format(reference.floor / reference.persistence, 3), ""])
    }
    print(markdownTable(["stream", "K", "learner", "best setting", "final MSE", "÷ persistence", "note"], rows, rightAligned: [1, 4, 5]))
    print("\n### Every setting (final MSE over the last \(grouped(options.window)) steps; ∞ = diverged)\n")
    let gridRows = all.sorted { ($0.spec.stream.rawValue, $0.spec.blocks) < ($1.spec.stream.rawValue, $1.spec.blocks) }.map { r in
        [r.spec.stream.title, String(r.spec.blocks), r.spec.learner.family, r.spec.learner.setting,
         r.windowMSE.isFinite ? short(r.windowMSE) : "∞", String(r.nonFiniteLosses), format(r.seconds, 1)]
    }
    print(markdownTable(["stream", "K", "learner", "setting", "final MSE", "non-finite losses", "run time (s)"], gridRows, rightAligned: [1, 4, 5, 6]))
    let machine = machineDescription()
    print("\n\(specs.count) runs on \(options.threads) threads in \(format(wallSeconds, 1)) s wall time — \(machine.cpu), \(machine.cores) cores, release build.")
}
