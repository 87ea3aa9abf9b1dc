// hamlet-quality: how well each recurrent learner forecasts three seeded streams.
//
//   hamlet-quality [--steps 50000] [--window 5000] [--threads 2] [--state 64]
//   hamlet-quality --deep [--width 32] [--steps 50000] [--window 5000] [--threads 2]
//
// Without --deep: the single-layer forecaster, HL costate and traces against Adam + TBPTT(32).
// With --deep: the deep forecaster, K ∈ {1, 2, 4} under each depth scheme, against Adam with
// truncated BPTT through the same network (see DeepQuality.swift).
//
// For each stream and learner it runs a small fixed grid of settings, keeps the best final
// windowed MSE (mean one-step-ahead squared error over the last `window` steps, each prediction
// made before learning from its target), and prints Markdown tables. Everything is seeded.
import BenchSupport
import Dispatch
import HamiltonianLearning

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Settings

struct Options {
    var steps = 50_000
    var window = 5_000
    var threads = 2
    var state = 64
    var deep = false
    var width = 32

    init(_ arguments: [String]) {
        var i = 0
        while i < arguments.count {
            let name = arguments[i]
            i += 1
            if name == "--deep" {
                deep = true
                continue
            }
            guard ["--steps", "--window", "--threads", "--state", "--width"].contains(name) else {
                print(name == "-h" || name == "--help"
                    ? "usage: hamlet-quality [--deep] [--steps 50000] [--window 5000] [--threads 2] [--state 64] [--width 32]"
                    : "hamlet-quality: unknown argument \(name)")
                exit(name == "-h" || name == "--help" ? 0 : 2)
            }
            guard i < arguments.count, let value = Int(arguments[i].filter { $0 != "_" && $0 != "," }), value > 0 else {
                print("hamlet-quality: \(name) needs a positive integer")
                exit(2)
            }
            i += 1
            switch name {
            case "--steps": steps = value
            case "--window": window = value
            case "--threads": threads = value
            case "--width": width = value
            default: state = value
            }
        }
        window = min(window, steps)
    }
}

enum StreamKind: String, CaseIterable, Sendable {
    case sinusoid, autoregressive, mackeyGlass

    var title: String {
        switch self {
        case .sinusoid: "(a) sinusoid mixture"
        case .autoregressive: "(b) AR(2) per channel"
        case .mackeyGlass: "(c) Mackey–Glass τ = 17"
        }
    }

    var description: String {
        switch self {
        case .sinusoid: "8 channels, periods 11.7/29.3/71.9 steps, unit-variance signal, Gaussian noise σ = 0.05, seed 11"
        case .autoregressive: "8 independent stationary AR(2) channels (roots r·e^{±iθ}, r ∈ [0.75, 0.95], θ ∈ [0.15, 1.2]), unit variance, Gaussian noise, seed 12"
        case .mackeyGlass: "8 independent chaotic trajectories (β 0.2, γ 0.1, n 10, Euler dt 0.1, one sample every 3 time units), standardised, no noise, seed 13"
        }
    }
}

let channels = 8

func makeSinusoid() -> SinusoidMixtureStream {
    SinusoidMixtureStream(channels: channels, periods: [11.7, 29.3, 71.9], noise: 0.05, seed: 11)
}

func makeAutoregressive() -> AutoregressiveStream { AutoregressiveStream(channels: channels, seed: 12) }

func makeMackeyGlass() -> MackeyGlassStream { MackeyGlassStream(channels: channels, seed: 13) }

/// `evaluate` on a fresh copy of the stream `kind` (one concrete call per stream, so each is specialised).
func evaluate<L: OnlineLearner>(_ kind: StreamKind, _ learner: L, options: Options) -> (Double, Int) where L.Scalar == Float {
    switch kind {
    case .sinusoid: evaluate(makeSinusoid(), learner, steps: options.steps, window: options.window)
    case .autoregressive: evaluate(makeAutoregressive(), learner, steps: options.steps, window: options.window)
    case .mackeyGlass: evaluate(makeMackeyGlass(), learner, steps: options.steps, window: options.window)
    }
}

/// Persistence and zero-forecast MSE over the window, and the stream's noise floor.
func yardsticks(_ kind: StreamKind, options: Options) -> (persistence: Double, zero: Double, floor: Double) {
    let (steps, window) = (options.steps, options.window)
    switch kind {
    case .sinusoid:
        let r = yardsticks(makeSinusoid(), steps: steps, window: window)
        return (r.persistence, r.zero, makeSinusoid().noiseFloor)
    case .autoregressive:
        let r = yardsticks(makeAutoregressive(), steps: steps, window: window)
        return (r.persistence, r.zero, makeAutoregressive().noiseFloor)
    case .mackeyGlass:
        let r = yardsticks(makeMackeyGlass(), steps: steps, window: window)
        return (r.persistence, r.zero, makeMackeyGlass().noiseFloor)
    }
}

enum LearnerKind: Sendable, Equatable {
    case hamiltonian(RecurrentGradientMode, beta: Double, eta: Double)
    case adam(learningRate: Double)

    var family: String {
        switch self {
        case .hamiltonian(let mode, _, _): "HL \(mode.rawValue)"
        case .adam: "reference: Adam + TBPTT(32)"
        }
    }

    var setting: String {
        switch self {
        case .hamiltonian(_, let beta, let eta):
            let momentum = 1 - eta
            return "β \(beta), η \(eta) (≡ SGD lr \(beta), momentum \(format(momentum, 1)))"
        case .adam(let lr): return "lr \(lr)"
        }
    }
}

struct RunSpec: Sendable {
    var stream: StreamKind
    var learner: LearnerKind
}

struct RunResult: Sendable {
    var spec: RunSpec
    var windowMSE: Double       // ∞ when any loss in the window was not finite
    var nonFiniteLosses: Int    // over the whole run
    var seconds: Double
}

// MARK: - Running

/// Streams `steps` samples through `learner`, forecasting the next vector; returns the mean loss
/// over the last `window` steps (∞ if any of them is not finite) and the count of non-finite losses.
func evaluate<S: VectorStream, L: OnlineLearner>(_ stream: S, _ learner: L, steps: Int, window: Int) -> (Double, Int)
where L.Scalar == Float {
    var stream = stream
    var current = [Float](repeating: 0, count: stream.channelCount)
    var next = current
    stream.next(into: &current)
    var sum = 0.0
    var windowFinite = true
    var nonFinite = 0
    for t in 0..<steps {
        stream.next(into: &next)
        let loss = learner.step(input: current, target: next)
        if !loss.isFinite { nonFinite += 1 }
        if t >= steps - window {
            if loss.isFinite { sum += Double(loss) } else { windowFinite = false }
        }
        swap(&current, &next)
    }
    return (windowFinite ? sum / Double(window) : .infinity, nonFinite)
}

/// Mean over the last `window` steps of ‖x_t − x_{t+1}‖²/C (persistence) and ‖x_{t+1}‖²/C (zero forecast).
func yardsticks<S: VectorStream>(_ stream: S, steps: Int, window: Int) -> (persistence: Double, zero: Double) {
    var stream = stream
    let c = stream.channelCount
    var current = [Float](repeating: 0, count: c)
    var next = current
    stream.next(into: &current)
    var persistence = 0.0, zero = 0.0
    for t in 0..<steps {
        stream.next(into: &next)
        if t >= steps - window {
            var p = 0.0, z = 0.0
            for k in 0..<c {
                let d = Double(current[k] - next[k])
                p += d * d
                z += Double(next[k]) * Double(next[k])
            }
            persistence += p / Double(c)
            zero += z / Double(c)
        }
        swap(&current, &next)
    }
    return (persistence / Double(window), zero / Double(window))
}

func forecaster(_ mode: RecurrentGradientMode, state: Int) -> Forecaster<Float> {
    Forecaster<Float>(ForecasterConfiguration(
        inputCount: channels, stateCount: state, hiddenCount: state, outputCount: channels,
        activation: .gelu, gradientMode: mode))
}

func run(_ spec: RunSpec, options: Options) -> RunResult {
    let start = monotonicNanoseconds()
    let outcome: (Double, Int)
    switch spec.learner {
    case .hamiltonian(let mode, let beta, let eta):
        let learner = HamiltonianLearner(
            model: forecaster(mode, state: options.state),
            configuration: HamiltonianConfiguration(tau: 1, beta: beta, eta: eta, phi: .constant(1), ordering: .backpropagation),
            seed: 1)
        outcome = evaluate(spec.stream, learner, options: options)
    case .adam(let lr):
        // The model's own mode does not matter: TBPTT overwrites the λ and B gradients.
        let learner = ReferenceLearner(
            model: forecaster(.costate, state: options.state),
            optimizer: AdaptiveMomentEstimation<Float>(learningRate: Float(lr)), seed: 1, bpttWindow: 32)
        outcome = evaluate(spec.stream, learner, options: options)
    }
    return RunResult(
        spec: spec, windowMSE: outcome.0, nonFiniteLosses: outcome.1,
        seconds: Double(monotonicNanoseconds() - start) / 1e9)
}

// MARK: - Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
let betas = [0.003, 0.01, 0.03], etas = [0.5, 1.0], adamRates = [3e-4, 1e-3, 3e-3]
if options.deep {
    runDeepQuality(options)
    exit(0)
}
var specs: [RunSpec] = []
for stream in StreamKind.allCases {
    // Most expensive first, so the threads finish together.
    for lr in adamRates { specs.append(RunSpec(stream: stream, learner: .adam(learningRate: lr))) }
    for mode in [RecurrentGradientMode.traces, .costate] {
        for beta in betas { for eta in etas { specs.append(RunSpec(stream: stream, learner: .hamiltonian(mode, beta: beta, eta: eta))) } }
    }
}

let frozenOptions = options
let (all, wallSeconds) = runInParallel(specs, threads: options.threads, progress: { spec, result in
    "\(spec.stream.rawValue) / \(spec.learner.family) / \(spec.learner.setting): MSE \(short(result.windowMSE)), \(format(result.seconds, 1)) s"
}) { run($0, options: frozenOptions) }

let machine = machineDescription()
print("## Learning quality: one-step-ahead forecasting, state 64\n")
print("Forecaster 8-\(options.state)-\(options.state)-8 (GELU, skip), Float. Each learner runs \(grouped(options.steps)) steps "
    + "on each stream; **final MSE** = mean squared one-step error over the last \(grouped(options.window)) steps "
    + "(prequential: each prediction is made before its target is learnt). Best of a fixed grid per learner: "
    + "HL β ∈ {0.003, 0.01, 0.03} × η ∈ {0.5, 1} (τ = 1, φ = 1, BP ordering; η = 1 is plain SGD); "
    + "Adam lr ∈ {3e-4, 1e-3, 3e-3} with truncated BPTT over 32 steps. Seeds fixed (streams 11, 12 and 13, weights 1).\n")
for stream in StreamKind.allCases {
    print("- \(stream.title): \(stream.description)")
}
print("")

var rows: [[String]] = []
for stream in StreamKind.allCases {
    let reference = yardsticks(stream, options: options)
    let floor = reference.floor
    for family in ["HL costate", "HL traces", "reference: Adam + TBPTT(32)"] {
        let candidates = all.filter { $0.spec.stream == stream && $0.spec.learner.family == family }
        guard let best = candidates.min(by: { $0.windowMSE < $1.windowMSE }) else { continue }
        let diverged = candidates.filter { !$0.windowMSE.isFinite }.count
        rows.append([
            stream.title, family, best.spec.learner.setting, short(best.windowMSE),
            format(best.windowMSE / reference.persistence, 3),
            diverged > 0 ? "\(diverged) of \(candidates.count) settings diverged" : "",
        ])
    }
    rows.append([stream.title, "persistence (x̂ₜ₊₁ = xₜ)", "—", short(reference.persistence), "1.000", ""])
    rows.append([stream.title, "zero forecast (x̂ₜ₊₁ = 0)", "—", short(reference.zero), format(reference.zero / reference.persistence, 3), ""])
    rows.append([stream.title, "noise floor (oracle, σ²)", "—", short(floor), format(floor / reference.persistence, 3), ""])
}
print(markdownTable(
    ["stream", "forecaster", "best setting", "final MSE", "÷ persistence", "note"], rows, rightAligned: [3, 4]))

print("\n### Every setting (final MSE over the last \(grouped(options.window)) steps; ∞ = diverged)\n")
var gridRows: [[String]] = []
for stream in StreamKind.allCases {
    for family in ["HL costate", "HL traces", "reference: Adam + TBPTT(32)"] {
        for r in all where r.spec.stream == stream && r.spec.learner.family == family {
            gridRows.append([stream.title, family, r.spec.learner.setting, r.windowMSE.isFinite ? short(r.windowMSE) : "∞",
                             String(r.nonFiniteLosses), format(r.seconds, 1)])
        }
    }
}
print(markdownTable(["stream", "forecaster", "setting", "final MSE", "non-finite losses", "run time (s)"], gridRows, rightAligned: [3, 4, 5]))
print("\n\(specs.count) runs on \(options.threads) threads in \(format(wallSeconds, 1)) s wall time — \(machine.cpu), \(machine.cores) cores, release build.")
