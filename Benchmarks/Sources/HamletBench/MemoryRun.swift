import BenchSupport
import HamiltonianLearning
import MallocCounter
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Resident memory

func runMemory(_ options: Options) {
    guard let blocks = options.deepBlocks else {
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(forecasterConfiguration(.traces)), configuration: sgdSettings, seed: 1)
        return runMemory(options, learner: learner, title: "forecaster 40-128-128-40 GELU+skip, HL traces", mode: "traces")
    }
    let width = options.deepWidth
    let configuration = DeepForecasterConfiguration(
        inputCount: 40, width: width, blockCount: blocks, stateCount: width, hiddenCount: width, outputCount: 40, gradientMode: .traces,
        scheme: options.deepScheme, coupling: options.deepScheme == .reversible ? .additive : .residual, threadCount: options.deepThreads)
    var settings = sgdSettings
    settings.gradientClip = 1
    let learner = HamiltonianLearner(model: DeepForecaster<Float>(configuration), configuration: settings, seed: 1)
    let scheme = "\(options.deepScheme.rawValue)\(options.deepThreads > 1 ? " on \(options.deepThreads) threads" : "")"
    runMemory(
        options, learner: learner, title: "deep forecaster 40-\(width)×\(blocks)-40 (N = H = \(width)), HL traces, \(scheme), clip 1",
        mode: "deep K = \(blocks) \(scheme)")
}

func runMemory<Model: LearnableModel>(_ options: Options, learner: HamiltonianLearner<Model>, title: String, mode: String)
where Model.Scalar == Float {
    let total = options.steps ?? 10_000_000
    var checkpoints = [10_000, 100_000, 1_000_000, 10_000_000].filter { $0 <= total }
    if checkpoints.last != total { checkpoints.append(total) }
    let channels = 40
    var stream = SinusoidMixtureStream(channels: channels, periods: [17.3, 43.1, 97.7], noise: 0.1, seed: 2024)
    let probe = ResidentMemoryProbe()
    var current = [Float](repeating: 0, count: channels)
    var next = [Float](repeating: 0, count: channels)
    stream.next(into: &current)
    func percent(_ now: Int, _ first: Int) -> String {
        let change = 100 * Double(now - first) / Double(first)
        return (change >= 0 ? "+" : "") + format(change, 2) + " %"
    }
    if !options.json {
        print("hamlet-bench memory — \(title), SGD(lr \(speedLearningRate), momentum 0.5), "
            + "one step(input:target:) per sample of a 40-channel sinusoid-mixture stream; /proc/self/status after each checkpoint\n")
        print(markdownTable(
            ["steps", "VmRSS (kB)", "Δ VmRSS vs first", "RssAnon (kB)", "Δ RssAnon vs first", "RssFile (kB)", "mallocs since previous", "elapsed (s)"],
            [], rightAligned: Set(0..<8)))
        // A row for the freshly built learner. Formatting and printing it here also pages in the
        // reporting code (libswiftCore's string code: ~128 kB of RssFile), which would otherwise first
        // show up between the first two checkpoints and read as growth.
        if let memory = probe.sample() {
            blackHole(percent(memory.rssKB, memory.rssKB))
            print("| " + [
                "0 (built)", grouped(memory.rssKB), "—", grouped(memory.anonymousKB), "—", grouped(memory.fileKB), "—", format(0, 1),
            ].joined(separator: " | ") + " |")
        }
        fflush(nil)
    }
    var samples: [(steps: Int, memory: ResidentMemoryProbe.Sample, mallocs: Int64, seconds: Double)] = []
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
        let memory = probe.sample() ?? .init(rssKB: -1, anonymousKB: -1, fileKB: -1, peakKB: -1)
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        samples.append((checkpoint, memory, mallocs, seconds))
        if !options.json {
            let first = samples[0].memory
            print("| " + [
                grouped(checkpoint), grouped(memory.rssKB), percent(memory.rssKB, first.rssKB),
                grouped(memory.anonymousKB), percent(memory.anonymousKB, first.anonymousKB), grouped(memory.fileKB),
                allocationCounterLive ? grouped(Int(mallocs)) : "n/a", format(seconds, 1),
            ].joined(separator: " | ") + " |")
            fflush(nil)
        }
    }
    let first = samples[0], last = samples[samples.count - 1]
    let relative = Double(last.memory.rssKB - first.memory.rssKB) / Double(first.memory.rssKB)
    let relativeAnonymous = Double(last.memory.anonymousKB - first.memory.anonymousKB) / Double(first.memory.anonymousKB)
    let laterMallocs = samples.dropFirst().reduce(Int64(0)) { $0 + $1.mallocs }
    if options.json {
        let items = samples.map {
            "{\"steps\": \($0.steps), \"vmrss_kb\": \($0.memory.rssKB), \"rss_anon_kb\": \($0.memory.anonymousKB), "
                + "\"rss_file_kb\": \($0.memory.fileKB), \"vmhwm_kb\": \($0.memory.peakKB), "
                + "\"mallocs_since_previous\": \($0.mallocs), \"elapsed_s\": \(jsonNumber($0.seconds))}"
        }
        print("""
        {"benchmark": "hamlet-bench memory", "mode": "\(mode)", "steps": \(total), "samples": [\(items.joined(separator: ", "))], \
        "relative_vmrss_change_first_to_last": \(jsonNumber(relative)), \
        "relative_rss_anon_change_first_to_last": \(jsonNumber(relativeAnonymous)), \
        "non_finite_losses": \(learner.nonFiniteLosses), "mean_loss": \(jsonNumber(lossSum / Double(total)))}
        """)
    } else {
        print("\nVmRSS \(grouped(first.memory.rssKB)) kB after \(grouped(first.steps)) steps → \(grouped(last.memory.rssKB)) kB after "
            + "\(grouped(last.steps)) steps: \(percent(last.memory.rssKB, first.memory.rssKB)) (target: within ±1 %) — "
            + "\(abs(relative) <= 0.01 ? "PASS" : "FAIL"); RssAnon (heap and stacks) \(percent(last.memory.anonymousKB, first.memory.anonymousKB)).")
        print("mallocs after the first checkpoint: \(allocationCounterLive ? grouped(Int(laterMallocs)) : "n/a"); "
            + "non-finite losses: \(learner.nonFiniteLosses); mean loss over the run: \(short(lossSum / Double(total))); "
            + "\(format(last.seconds / Double(total) * 1e9, 0)) ns/step including the stream.")
    }
}
