// hamlet-bench: per-step speed and allocations of the online learners, and resident-memory
// flatness over a long stream.
//
//   hamlet-bench [--json] [--steps N] [--repetitions R]    speed table (N ≥ 20,000 steps per repetition)
//   hamlet-bench memory [--steps 10000000] [--json]        VmRSS after 10^4, 10^5, … steps (traces mode)
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
            case "-h", "--help":
                print("""
                usage: hamlet-bench [speed] [--json] [--steps N] [--repetitions R] [--warmup W]
                       hamlet-bench memory [--steps N] [--json]
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
    var standardError = StandardError()
    print("hamlet-bench: \(message)", to: &standardError)
    exit(2)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var copy = string
        copy.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
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

/// The PyTorch peer's optimiser: SGD(lr 0.01, momentum 0.5), which HL reproduces exactly (design §3).
let sgdSettings = HamiltonianConfiguration.sgd(learningRate: 0.01, momentum: 0.5)

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
    for mode in [RecurrentGradientMode.costate, .traces] {
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(forecasterConfiguration(mode)), configuration: sgdSettings, seed: 1)
        results.append(measure(
            learner, model: "forecaster 40-128-128-40 GELU+skip", mode: "HL \(mode.rawValue)",
            inputs: inputs, targets: targets, steps: steps, repetitions: repetitions, warmup: options.warmup,
            nonFinite: { learner.nonFiniteLosses }))
    }
    do {
        // Extra: the classical peer inside this package (exact BPTT over a 32-step window + Adam).
        let learner = ReferenceLearner(
            model: Forecaster<Float>(forecasterConfiguration(.costate)),
            optimizer: AdaptiveMomentEstimation<Float>(learningRate: 1e-3), seed: 1, bpttWindow: 32)
        results.append(measure(
            learner, model: "forecaster 40-128-128-40 GELU+skip", mode: "reference Adam + TBPTT(32)",
            inputs: inputs, targets: targets, steps: steps, repetitions: repetitions, warmup: options.warmup,
            nonFinite: { 0 }))
    }
    do {
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
        print("hamlet-bench — \(machine.cpu), \(machine.cores) cores; Float, 1 thread; "
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

// MARK: - Resident memory

func runMemory(_ options: Options) {
    let total = options.steps ?? 10_000_000
    var checkpoints = [10_000, 100_000, 1_000_000, 10_000_000].filter { $0 <= total }
    if checkpoints.last != total { checkpoints.append(total) }
    let channels = 40
    var stream = SinusoidMixtureStream(channels: channels, periods: [17.3, 43.1, 97.7], noise: 0.1, seed: 2024)
    let learner = HamiltonianLearner(
        model: Forecaster<Float>(forecasterConfiguration(.traces)), configuration: sgdSettings, seed: 1)
    let probe = ResidentMemoryProbe()
    var current = [Float](repeating: 0, count: channels)
    var next = [Float](repeating: 0, count: channels)
    stream.next(into: &current)
    if !options.json {
        print("hamlet-bench memory — forecaster 40-128-128-40 GELU+skip, HL traces, SGD(lr 0.01, momentum 0.5); "
            + "VmRSS from /proc/self/status\n")
        print(markdownTable(["steps", "VmRSS (kB)", "VmHWM (kB)", "change vs first", "mallocs since last", "elapsed (s)"], [], rightAligned: [0, 1, 2, 3, 4, 5]))
        fflush(nil)
    }
    var samples: [(steps: Int, rss: Int, peak: Int, mallocs: Int64, seconds: Double)] = []
    samples.reserveCapacity(checkpoints.count)
    var done = 0
    var lossSum: Double = 0
    let start = monotonicNanoseconds()
    for checkpoint in checkpoints {
        hamlet_malloc_counter_reset()
        hamlet_malloc_counter_enable(true)
        while done < checkpoint {
            stream.next(into: &next)
            lossSum += Double(learner.step(input: current, target: next))
            swap(&current, &next)
            done += 1
        }
        hamlet_malloc_counter_enable(false)
        let mallocs = hamlet_malloc_counter_read().allocations
        let (rss, peak) = probe.sample() ?? (-1, -1)
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        samples.append((checkpoint, rss, peak, mallocs, seconds))
        if !options.json {
            let change = 100 * Double(rss - samples[0].rss) / Double(samples[0].rss)
            print("| " + [grouped(checkpoint), grouped(rss), grouped(peak), (change >= 0 ? "+" : "") + format(change, 2) + " %",
                          allocationCounterLive ? grouped(Int(mallocs)) : "n/a", format(seconds, 1)].joined(separator: " | ") + " |")
            fflush(nil)
        }
    }
    let first = samples[0], last = samples[samples.count - 1]
    let relative = Double(last.rss - first.rss) / Double(first.rss)
    let totalMallocs = samples.dropFirst().reduce(Int64(0)) { $0 + $1.mallocs }
    if options.json {
        let items = samples.map {
            "{\"steps\": \($0.steps), \"vmrss_kb\": \($0.rss), \"vmhwm_kb\": \($0.peak), \"mallocs_since_previous\": \($0.mallocs), \"elapsed_s\": \(jsonNumber($0.seconds))}"
        }
        print("""
        {"benchmark": "hamlet-bench memory", "mode": "traces", "steps": \(total), "samples": [\(items.joined(separator: ", "))], \
        "relative_rss_change_first_to_last": \(jsonNumber(relative)), "non_finite_losses": \(learner.nonFiniteLosses), \
        "mean_loss": \(jsonNumber(lossSum / Double(total)))}
        """)
    } else {
        print("\nVmRSS \(grouped(first.rss)) kB after \(grouped(first.steps)) steps → \(grouped(last.rss)) kB after \(grouped(last.steps)) steps: "
            + "\((relative >= 0 ? "+" : ""))\(format(100 * relative, 2)) % (target: within ±1 %) — \(abs(relative) <= 0.01 ? "PASS" : "FAIL")")
        print("mallocs after the first checkpoint: \(allocationCounterLive ? grouped(Int(totalMallocs)) : "n/a"); "
            + "non-finite losses: \(learner.nonFiniteLosses); mean loss over the run: \(short(lossSum / Double(total)))")
    }
}

// MARK: - Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
let allocationCounterLive = checkAllocationCounter()
if options.memory { runMemory(options) } else { runSpeed(options) }
