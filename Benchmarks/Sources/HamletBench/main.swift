// hamlet-bench: per-step speed and allocations of the online learners, and resident-memory
// flatness over a long stream.
//
//   hamlet-bench [--json] [--steps N] [--repetitions R]    speed table (N ≥ 20,000 steps per repetition)
//   hamlet-bench memory [--steps 10000000] [--json]        VmRSS after 10^4, 10^5, … steps (traces mode)
//   hamlet-bench memory --deep K [--scheme instant|reversible|pipelined] [--deep-width 64] [--threads T]
//                                                           the same for the deep forecaster
//   hamlet-bench --only deep [--steps N]                    the deep forecaster: K = 1, 2, 4, 8 per depth scheme,
//                                                           and the pipelined scheme on 2 threads
import BenchSupport
import HamiltonianLearning
import MallocCounter

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Command line

struct Options {
    var json = false
    var memory = false
    var steps: Int? = nil
    var repetitions = 5
    var warmup = 2_000
    /// W = N = H of the deep rows.
    var deepWidth = 64
    /// `memory` on the deep forecaster with this many blocks (nil: the single-layer forecaster).
    var deepBlocks: Int? = nil
    var deepScheme = DepthScheme.instant
    var deepThreads = 1
    /// Which rows to run: costate, traces, mlp, and (opt-in) reference, the Adam + TBPTT(32) peer,
    /// which is slow while ReferenceLearner is not specialisable (about 14 ms/step), and deep, the
    /// deep forecaster's rows (see `deepRows`).
    var only: Set<String> = ["costate", "traces", "mlp"]

    init(_ arguments: [String]) {
        var i = 0
        func value(_ name: String) -> Int {
            i += 1
            guard i < arguments.count, let v = Int(arguments[i].replacingUnderscores()), v > 0 else {
                fail("\(name) needs a positive integer")
            }
            return v
        }
        while i < arguments.count {
            switch arguments[i] {
            case "memory": memory = true
            case "speed": memory = false
            case "--json": json = true
            case "--steps": steps = value("--steps")
            case "--repetitions": repetitions = value("--repetitions")
            case "--warmup": warmup = value("--warmup")
            case "--deep-width": deepWidth = value("--deep-width")
            case "--deep": deepBlocks = value("--deep")
            case "--threads": deepThreads = value("--threads")
            case "--scheme":
                i += 1
                guard i < arguments.count, let scheme = DepthScheme(rawValue: arguments[i]) else {
                    fail("--scheme needs one of \(DepthScheme.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                deepScheme = scheme
            case "--only":
                i += 1
                guard i < arguments.count else { fail("--only needs a list such as costate,traces,reference,mlp") }
                only = Set(arguments[i].split(separator: ",").map(String.init))
            case "-h", "--help":
                print("""
                usage: hamlet-bench [speed] [--json] [--steps N] [--repetitions R] [--warmup W] [--only costate,traces,mlp,reference,deep] [--deep-width 64]
                       hamlet-bench memory [--steps N] [--json] [--deep K [--scheme instant|reversible|pipelined] [--deep-width 64] [--threads T]]
                """)
                exit(0)
            default: fail("unknown argument \(arguments[i]) (try --help)")
            }
            i += 1
        }
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" && $0 != "," }) }
}

func fail(_ message: String) -> Never {
    printError("hamlet-bench: \(message)")
    exit(2)
}

/// Keeps the optimiser from deleting work whose result is otherwise unused.
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

// MARK: - Allocation counting

/// Proves the counting malloc is live in this process before any figure relies on it.
func checkAllocationCounter() -> Bool {
    hamlet_malloc_counter_reset()
    hamlet_malloc_counter_enable(true)
    let probe = [Int](repeating: 7, count: 1_000 + CommandLine.arguments.count)
    blackHole(probe)
    hamlet_malloc_counter_enable(false)
    let counts = hamlet_malloc_counter_read()
    hamlet_malloc_counter_reset()
    return hamlet_malloc_counter_active() && counts.allocations >= 1
}

struct Counts {
    var allocations: Int64 = 0
    var bytes: Int64 = 0
    var frees: Int64 = 0
}

@inline(__always)
func counted<R>(_ body: () -> R) -> (R, Counts) {
    hamlet_malloc_counter_reset()
    hamlet_malloc_counter_enable(true)
    let result = body()
    hamlet_malloc_counter_enable(false)
    let c = hamlet_malloc_counter_read()
    return (result, Counts(allocations: c.allocations, bytes: c.bytes, frees: c.frees))
}

// MARK: - Speed

struct SpeedResult {
    var model: String
    var mode: String
    var steps: Int
    var repetitionNanoseconds: [Double]  // ns/step of each repetition
    var counts: Counts
    var meanLoss: Double                 // mean loss over the last repetition
    var nonFiniteLosses: Int64
    var allocationBreakdown: String? = nil

    var nanosecondsPerStep: Double { median(repetitionNanoseconds) }
    var stepsPerSecond: Double { 1e9 / nanosecondsPerStep }
    var mallocsPerStep: Double { Double(counts.allocations) / Double(steps * repetitionNanoseconds.count) }
}

/// Warms up, then times `repetitions` runs of `steps` calls of `step(input:target:)`, counting
/// every heap allocation made during the timed calls.
func measure<L: OnlineLearner>(
    _ learner: L, model: String, mode: String, inputs: [[Float]], targets: [[Float]],
    steps: Int, repetitions: Int, warmup: Int, nonFinite: () -> Int64
) -> SpeedResult where L.Scalar == Float {
    precondition(inputs.count >= steps && targets.count >= steps)
    for t in 0..<warmup { learner.step(input: inputs[t % steps], target: targets[t % steps]) }
    var perStep: [Double] = []
    var total = Counts()
    var lastLoss = 0.0
    perStep.reserveCapacity(repetitions)
    for _ in 0..<repetitions {
        var lossSum: Float = 0
        hamlet_malloc_counter_reset()
        hamlet_malloc_counter_enable(true)
        let start = monotonicNanoseconds()
        for t in 0..<steps {
            lossSum += learner.step(input: inputs[t], target: targets[t])
        }
        let end = monotonicNanoseconds()
        hamlet_malloc_counter_enable(false)
        let c = hamlet_malloc_counter_read()
        total.allocations += c.allocations
        total.bytes += c.bytes
        total.frees += c.frees
        perStep.append(Double(end - start) / Double(steps))
        lastLoss = Double(lossSum) / Double(steps)
    }
    var result = SpeedResult(
        model: model, mode: mode, steps: steps, repetitionNanoseconds: perStep, counts: total,
        meanLoss: lastLoss, nonFiniteLosses: nonFinite())
    if total.allocations > 0 {
        result.allocationBreakdown = allocationBreakdown(learner, inputs: inputs, targets: targets)
    }
    return result
}

/// Which half of a step allocates: `forward(input:)` or `learn(target:)`, over 100 steps each.
func allocationBreakdown<L: OnlineLearner>(_ learner: L, inputs: [[Float]], targets: [[Float]]) -> String
where L.Scalar == Float {
    var forward = Counts(), learn = Counts(), wrapper = Counts()
    for t in 0..<100 {
        let (_, f) = counted { inputs[t].withUnsafeBufferPointer { learner.forward(input: $0.baseAddress!) } }
        let (_, l) = counted { targets[t].withUnsafeBufferPointer { learner.learn(target: $0.baseAddress!) } }
        let (_, s) = counted { learner.step(input: inputs[t], target: targets[t]) }
        forward.allocations += f.allocations
        learn.allocations += l.allocations
        wrapper.allocations += s.allocations
    }
    return "per 100 steps: forward(input:) \(forward.allocations), learn(target:) \(learn.allocations), step(input:target:) \(wrapper.allocations) allocations"
}

func forecasterConfiguration(_ mode: RecurrentGradientMode, channels: Int = 40, state: Int = 128) -> ForecasterConfiguration {
    ForecasterConfiguration(
        inputCount: channels, stateCount: state, hiddenCount: state, outputCount: channels,
        activation: .gelu, gradientMode: mode)
}

/// The optimiser of the speed runs, shared with the PyTorch peer (Scripts/benchmark_pytorch.py --lr):
/// SGD(lr 0.003, momentum 0.5), which HL reproduces exactly (design §3). At lr 0.01 the traces
/// mode diverges on this stream within ~530 steps (|λ| runs to its clamp and the traces blow up), and
/// a run full of NaNs times nothing useful; the cost of a step does not depend on the rate.
let speedLearningRate = 0.003
let sgdSettings = HamiltonianConfiguration.sgd(learningRate: speedLearningRate, momentum: 0.5)

func runSpeed(_ options: Options) {
    let steps = max(options.steps ?? 20_000, 1)
    let repetitions = options.repetitions
    // The forecasting stream: 40 channels, three periods, noise 0.1; target = next vector.
    var stream = SinusoidMixtureStream(channels: 40, periods: [17.3, 43.1, 97.7], noise: 0.1, seed: 2024)
    var vectors: [[Float]] = []
    vectors.reserveCapacity(steps + 1)
    for _ in 0...steps {
        var x = [Float](repeating: 0, count: 40)
        stream.next(into: &x)
        vectors.append(x)
    }
    let inputs = Array(vectors[0..<steps])
    let targets = Array(vectors[1...steps])

    var results: [SpeedResult] = []
    for mode in [RecurrentGradientMode.costate, .traces] where options.only.contains(mode.rawValue) {
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(forecasterConfiguration(mode)), configuration: sgdSettings, seed: 1)
        results.append(measure(
            learner, model: "forecaster 40-128-128-40 GELU+skip", mode: "HL \(mode.rawValue)",
            inputs: inputs, targets: targets, steps: steps, repetitions: repetitions, warmup: options.warmup,
            nonFinite: { learner.nonFiniteLosses }))
    }
    if options.only.contains("reference") {
        // Extra: the classical peer inside this package (exact BPTT over a 32-step window + Adam).
        let learner = ReferenceLearner(
            model: Forecaster<Float>(forecasterConfiguration(.costate)),
            optimizer: AdaptiveMomentEstimation<Float>(learningRate: 1e-3), seed: 1, bpttWindow: 32)
        results.append(measure(
            learner, model: "forecaster 40-128-128-40 GELU+skip", mode: "reference Adam + TBPTT(32)",
            inputs: inputs, targets: targets, steps: steps, repetitions: repetitions, warmup: options.warmup,
            nonFinite: { 0 }))
    }
    if options.only.contains("deep") {
        results += deepRows(
            inputs: inputs, targets: targets, steps: steps, repetitions: repetitions, warmup: options.warmup, width: options.deepWidth)
    }
    if options.only.contains("mlp") {
        // The paper's Iris-sized MLP, on three synthetic clusters with one-hot targets.
        var clusters = ClusterStream(seed: 7)
        var xs: [[Float]] = [], ys: [[Float]] = []
        for _ in 0..<steps {
            var x = [Float](repeating: 0, count: 4), y = [Float](repeating: 0, count: 3)
            clusters.next(input: &x, target: &y)
            xs.append(x)
            ys.append(y)
        }
        let learner = HamiltonianLearner(
            model: MultilayerPerceptron<Float>(MLPConfiguration(inputCount: 4, hiddenCounts: [30], outputCount: 3, activation: .tanh)),
            configuration: .sgd(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 1)
        results.append(measure(
            learner, model: "MLP 4-30-3 tanh (cross-entropy)", mode: "HL (= SGD)",
            inputs: xs, targets: ys, steps: steps, repetitions: repetitions, warmup: options.warmup,
            nonFinite: { learner.nonFiniteLosses }))
    }

    let machine = machineDescription()
    if options.json {
        var items: [String] = []
        for r in results {
            var fields = [
                "\"model\": \(jsonString(r.model))", "\"mode\": \(jsonString(r.mode))",
                "\"ns_per_step\": \(jsonNumber(r.nanosecondsPerStep))",
                "\"steps_per_second\": \(jsonNumber(r.stepsPerSecond))",
                "\"mallocs_per_step\": \(jsonNumber(r.mallocsPerStep))",
                "\"mallocs_total\": \(r.counts.allocations)", "\"malloc_bytes_total\": \(r.counts.bytes)",
                "\"repetition_ns_per_step\": [\(r.repetitionNanoseconds.map(jsonNumber).joined(separator: ", "))]",
                "\"mean_loss_last_repetition\": \(jsonNumber(r.meanLoss))",
                "\"non_finite_losses\": \(r.nonFiniteLosses)",
            ]
            if let b = r.allocationBreakdown { fields.append("\"allocation_breakdown\": \(jsonString(b))") }
            items.append("{" + fields.joined(separator: ", ") + "}")
        }
        print("""
        {"benchmark": "hamlet-bench", "cpu": \(jsonString(machine.cpu)), "cores": \(machine.cores), \
        "steps_per_repetition": \(steps), "repetitions": \(repetitions), "warmup_steps": \(options.warmup), \
        "allocation_counter_live": \(allocationCounterLive), "results": [\(items.joined(separator: ", "))]}
        """)
    } else {
        print("hamlet-bench — \(machine.cpu), \(machine.cores) cores; Float, 1 thread unless a row says otherwise; "
            + "\(grouped(steps)) timed step(input:target:) calls × \(repetitions) repetitions after \(grouped(options.warmup)) warm-up steps\n")
        let rows = results.map { r in
            [r.model, r.mode, grouped(Int(r.nanosecondsPerStep.rounded())), grouped(Int(r.stepsPerSecond.rounded())),
             allocationCounterLive ? format(r.mallocsPerStep, 2) : "n/a", short(r.meanLoss)]
        }
        print(markdownTable(
            ["model", "learner", "ns/step (median)", "steps/s", "mallocs/step", "mean loss (last rep.)"], rows,
            rightAligned: [2, 3, 4, 5]))
        print("")
        for r in results {
            let spread = r.repetitionNanoseconds.map { grouped(Int($0.rounded())) }.joined(separator: ", ")
            print("  \(r.mode) [\(r.model)]: ns/step per repetition \(spread); non-finite losses \(r.nonFiniteLosses)")
            if let b = r.allocationBreakdown { print("    ALLOCATES — \(b)") }
        }
        if !allocationCounterLive { print("  (allocation counter not active on this platform: mallocs not measured)") }
    }
}

// MARK: - Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
let allocationCounterLive = checkAllocationCounter()
if options.memory { runMemory(options) } else { runSpeed(options) }
