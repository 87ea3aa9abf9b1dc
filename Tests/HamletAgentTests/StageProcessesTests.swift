import AgentSettings
import Foundation
import HamiltonianLearning
import HamletAgent
import SafeTensors
import TestSupport
import Testing
import LearningPipeline

/// Three `hamlet run` processes, each running one block of a 3-block deep network as a pipeline
/// stage (`model.stage`), talking only through a real mosquitto in lockstep (issue 15): after
/// 5,000 steps the weights and weight costates each stage wrote to its checkpoint, and the losses
/// the last stage printed, equal one in-process learner running every block on the same records.
@Suite(.serialized) struct StageProcessesTests {
    static let steps = 5_000
    static let stageCount = 3

    static func configuration(
        stage k: Int, port: Int, directory: TemporaryDirectory, prefix: String, timing: String = "lockstep", rateHz: Int = 0
    ) -> String {
        """
        agent:
          id: stage-\(k)
          state_directory: \(directory.path("state-\(k)"))
        source:
          kind: synthetic
          synthetic:
            channels: 3
            change_at: 2500
            rate_hz: \(rateHz)
            seed: 7
        model:
          kind: deep
          layers: \(stageCount)
          width: 8
          state_size: 4
          stage:
            count: \(stageCount)
            index: \(k)
            topic_prefix: \(prefix)
            timeout_seconds: 30
            timing: \(timing)
        learning:
          scheme: pipelined
          beta: 0.02
          seed: 5
        mqtt:
          host: 127.0.0.1
          port: \(port)
        outputs:
          stdout: \(k == stageCount - 1)
        checkpoints:
          every_seconds: 0
        metrics:
          interval_seconds: 0.5

        """
    }

    /// The single-process `pipelined` run of the network the stages' configuration describes, on
    /// the records and features a whole agent makes of the same synthetic source; its losses.
    static func reference(_ configuration: AgentConfiguration, steps: Int = steps) -> (HamiltonianLearner<DeepForecaster<Float>>, [Float]) {
        var whole = configuration
        whole.model.stage = .init()
        let synthetic = configuration.source.synthetic
        guard case .deep(let network) = whole.modelConfiguration(inputCount: synthetic.channels, outputCount: synthetic.channels) else {
            fatalError("the stages' configuration is not a deep network")
        }
        precondition(network.stageBlocks == nil && network.scheme == .pipelined)
        let learner = HamiltonianLearner(
            model: DeepForecaster<Float>(network), configuration: configuration.learning.hamiltonian, loss: .meanSquaredError,
            seed: configuration.learning.seed)
        let source = SyntheticSensorSource(
            channels: synthetic.channels, changeAt: synthetic.changeAtStep, steps: steps + 1, rateHz: 0, seed: synthetic.seed)
        var scoring = ForecastScoring(channelCount: synthetic.channels, usesCalendar: false, score: configuration.drift.score)
        var input = [Float](repeating: 0, count: synthetic.channels)
        var previous: [Float]?
        var losses: [Float] = []
        while let record = try! source.next() {
            scoring.read(timestamp: nil) { record.values[$0] }
            let target = scoring.target
            if let previous { losses.append(learner.step(input: previous, target: target)) }
            input.withUnsafeMutableBufferPointer { scoring.nextInput(timestamp: nil, into: $0.baseAddress!) }
            previous = input
        }
        return (learner, losses)
    }

    /// The tensors stage `k` of a one-block-per-stage split learns.
    static func owned(by k: Int, in layout: ParameterLayout) -> [ParameterLayout.Tensor] {
        layout.tensors.filter { tensor in
            tensor.name.hasPrefix("blocks.\(k).") || (k == 0 && tensor.name.hasPrefix("input."))
                || (k == stageCount - 1 && (tensor.name.hasPrefix("readout.") || tensor.name.hasPrefix("skip.")))
        }
    }

    /// The `loss` of each record line, as printed (Swift prints the shortest text that reads back to the same Float).
    static func printedLosses(_ output: String) -> [Float?] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{\"type\":\"record\""), let match = line.firstMatch(of: /"loss":([^,]+),/) else { return nil }
            return Float(String(match.1))
        }
    }

    /// Every stage's last metrics name the stage and count 5,000 steps, no refused or stale
    /// message; the predictions come from the last stage only.
    static func checkBroker(watcher: ChildProcess) async throws {
        let lastMetrics = { (k: Int) in watcher.standardOutput.split(separator: "\n").last { $0.hasPrefix("hamlet/stage-\(k)/metrics ") } }
        for k in 0..<stageCount {
            // QoS 0 on loopback: the last one arrives within moments of the stage's exit.
            _ = await waitFor(.seconds(5)) { lastMetrics(k)?.contains("\"steps\":\(steps),") == true }
            let line = try #require(lastMetrics(k), "stage \(k) published no metrics: \(watcher.standardOutput.suffix(1000))")
            for field in ["\"stage\":\(k),", "\"stages\":\(stageCount),", "\"steps\":\(steps),", "\"refused_messages\":0,", "\"stale_messages\":0,"] {
                #expect(line.contains(field), "stage \(k)'s last metrics: \(line)")
            }
        }
        let predictions = watcher.standardOutput.split(separator: "\n").filter { $0.contains("/prediction ") }
        // A stage's prediction names the record of its target (`record`), which the schema documents.
        #expect(try PayloadSchema.prediction.problems(in: predictions.map { String($0.split(separator: " ", maxSplits: 1)[1]) }) == nil)
        #expect(!predictions.isEmpty && predictions.allSatisfy { $0.hasPrefix("hamlet/stage-\(stageCount - 1)/prediction {\"type\":\"record\",") })
        print("the broker carried \(predictions.count) prediction lines of \(steps) from the last stage")
    }

    @Test("three hamlet run stages over a real broker in lockstep equal the single-process pipelined run after 5,000 steps, bit for bit")
    func threeProcessesEqualOneProcess() async throws {
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let directory = try TemporaryDirectory()
        let prefix = "test/stages-\(UInt32.random(in: 0...UInt32.max))"
        let paths = try (0..<Self.stageCount).map { k in
            try directory.write("stage-\(k).yaml", Self.configuration(stage: k, port: broker.port, directory: directory, prefix: prefix))
        }
        // What a user of the agents sees on the broker: every stage's metrics, the predictions.
        let watcher = try ChildProcess.spawn(
            try requireExecutable("mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(broker.port)", "-i", "stage-watcher", "-v", "-t", "hamlet/+/metrics", "-t", "hamlet/+/prediction"],
            stdout: directory.path("watcher.out"), stderr: directory.path("watcher.err"))
        defer { watcher.killAndReap() }
        try await broker.waitForSubscription(clientID: "stage-watcher", filter: "hamlet/+/prediction", timeout: .seconds(10))
        let clock = ContinuousClock()
        let start = clock.now
        // Started out of order: each stage waits until the stages it sends to are online.
        var children: [(Int, ChildProcess)] = []
        defer { for (_, child) in children { child.killAndReap() } }
        for k in [0, 2, 1] {
            children.append((k, try startHamlet(["run", "--config", paths[k], "--max-steps", "\(Self.steps)"], in: directory, name: "stage-\(k)")))
        }
        for (k, child) in children {
            let status = await child.wait(timeout: .seconds(600))
            #expect(status == 0, "stage \(k) ended with \(String(describing: status)): \(child.standardError.suffix(3000))")
        }
        let elapsed = clock.now - start
        print("three hamlet run stages: \(Self.steps) steps in \(elapsed) (process start to the last exit)")

        let configuration = try AgentConfigurationLoader.load(path: paths[0], environment: [:], overridesPath: nil)
        let (whole, losses) = Self.reference(configuration)
        #expect(losses.count == Self.steps && whole.nonFiniteLosses == 0)
        let (theta, omega) = (whole.parameters.array, whole.parameterCostate.array)
        let initial = HamiltonianLearner(
            model: DeepForecaster<Float>(whole.model.configuration), configuration: configuration.learning.hamiltonian,
            seed: configuration.learning.seed
        ).parameters.array

        for (k, child) in children.sorted(by: { $0.0 < $1.0 }) {
            let path = try #require(CheckpointDirectory(path: directory.path("state-\(k)/checkpoints")).newest, "stage \(k) wrote no checkpoint")
            let file = try LearnerCheckpoint.read(path: path)
            guard case .deep(let network) = try LearnerCheckpoint.describe(file).model else {
                Issue.record("stage \(k)'s checkpoint holds another model")
                continue
            }
            #expect(network.stageBlocks == k..<(k + 1))
            #expect(try file.tensors["step"]?.int64s() == [Int64(Self.steps)])
            let owned = Self.owned(by: k, in: whole.model.layout)
            #expect(!owned.isEmpty)
            for tensor in owned {
                let weights = try #require(file.tensors["weights/\(tensor.name)"]).floats()
                let costates = try #require(file.tensors["weight_costates/\(tensor.name)"]).floats()
                #expect(weights.map(\.bitPattern) == theta[tensor.range].map(\.bitPattern), "stage \(k): θ of \(tensor.name)")
                #expect(costates.map(\.bitPattern) == omega[tensor.range].map(\.bitPattern), "stage \(k): ω of \(tensor.name)")
                #expect(theta[tensor.range] != initial[tensor.range], "\(tensor.name) learned something: the equality is not the initial weights'")
            }
            let log = child.standardError
            #expect(log.contains("\(Self.steps) steps; refused messages 0, stale messages 0"), "stage \(k): \(log.suffix(2000))")
        }
        try await Self.checkBroker(watcher: watcher)
        let printed = Self.printedLosses(children.first { $0.0 == Self.stageCount - 1 }!.1.standardOutput)
        #expect(printed.count == Self.steps, "the last stage printed one line per step")
        #expect(printed.map { $0?.bitPattern } == losses.map { $0.isFinite ? $0.bitPattern : nil }, "the last stage's losses are the single run's")
    }
}

extension StageProcessesTests {
    /// Stage `k` of two stages of a 2-block network, each with its own seed: the same topics, different identities.
    static func foreignConfiguration(stage k: Int, port: Int, directory: TemporaryDirectory, prefix: String, timeout: Int) -> String {
        configuration(stage: k, port: port, directory: directory, prefix: prefix)
            .replacingOccurrences(of: "layers: \(stageCount)", with: "layers: 2")
            .replacingOccurrences(of: "count: \(stageCount)", with: "count: 2")
            .replacingOccurrences(of: "timeout_seconds: 30", with: "timeout_seconds: \(timeout)")
            .replacingOccurrences(of: "seed: 5", with: "seed: \(5 + k)")
    }

    /// Two foreign stages (`foreignConfiguration`) started on `broker` with `arguments` after `--config`.
    static func startForeignStages(
        broker: MosquittoBroker, directory: TemporaryDirectory, timeout: Int, arguments: [String]
    ) throws -> [ChildProcess] {
        let prefix = "test/foreign-\(UInt32.random(in: 0...UInt32.max))"
        return try (0..<2).map { k in
            let yaml = foreignConfiguration(stage: k, port: broker.port, directory: directory, prefix: prefix, timeout: timeout)
            let path = try directory.write("foreign-\(k).yaml", yaml)
            return try startHamlet(["run", "--config", path] + arguments, in: directory, name: "foreign-\(k)")
        }
    }

    @Test("SIGTERM ends a stage that waits for a neighbour's message at once, not after its timeout")
    func stopWhileWaiting() async throws {
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let directory = try TemporaryDirectory()
        // Foreign stages: each waits for a message the other never sends, for up to 120 s.
        let children = try Self.startForeignStages(broker: broker, directory: directory, timeout: 120, arguments: [])
        defer { for child in children { child.killAndReap() } }
        for child in children {
            let learning = await waitFor(.seconds(30)) { child.standardError.contains("the neighbouring stages are online; learning") }
            #expect(learning, "\(child.standardError)")
        }
        try await Task.sleep(for: .milliseconds(500))
        let clock = ContinuousClock()
        let start = clock.now
        for child in children { child.kill(SIGTERM) }
        for (k, child) in children.enumerated() {
            let status = await child.wait(timeout: .seconds(20))
            #expect(status == 0, "stage \(k): \(child.standardError)")
            let newest = CheckpointDirectory(path: directory.path("state-\(k)/checkpoints")).newest
            #expect(newest != nil, "stage \(k) wrote its shutdown checkpoint")
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(10), "both stopped \(elapsed) after SIGTERM")
        print("two waiting stages stopped \(elapsed) after SIGTERM")
    }

    @Test("stages configured for different runs refuse each other's messages and name each other gone; the first goes on alone")
    func foreignStagesRefuseEachOther() async throws {
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let directory = try TemporaryDirectory()
        let children = try Self.startForeignStages(broker: broker, directory: directory, timeout: 2, arguments: ["--max-steps", "100"])
        defer { for child in children { child.killAndReap() } }
        // Stage 0 waits 2 s for a costate of step 0 that stage 1 (refusing its input) never sends,
        // names stage 1 gone, and runs its 100 steps without learning from above.
        let first = await children[0].wait(timeout: .seconds(60))
        let log0 = children[0].standardError
        #expect(first == 0, "stage 0: \(log0)")
        #expect(log0.contains("stage 1 is gone (silent for 2.0 s) at step 1"), "stage 0: \(log0)")
        #expect(log0.contains("100 steps; refused messages 0, stale messages 0, late costates 0, missing costates 99,"), "stage 0: \(log0)")
        // Stage 1 (the last) cannot infer without an input it accepts: it names stage 0 gone and waits until stopped.
        let named = await waitFor(.seconds(20)) { children[1].standardError.contains("stage 0 is gone") }
        #expect(named, "stage 1: \(children[1].standardError)")
        children[1].kill(SIGTERM)
        #expect(await children[1].wait(timeout: .seconds(20)) == 0)
        let log1 = children[1].standardError
        let refused = log1.firstMatch(of: /0 steps; refused messages (\d+),/).flatMap { Int($0.1) } ?? 0
        #expect(refused >= 1, "the other run's messages are counted refused: \(log1)")
        print("foreign stages: stage 1 refused \(refused) messages of the other run")
    }
}

extension StageProcessesTests {
    @Test("free timing through hamlet run: the stages never wait for a costate, learn, and count what came late or not at all")
    func freeTiming() async throws {
        let steps = 3_000
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let directory = try TemporaryDirectory()
        let prefix = "test/free-\(UInt32.random(in: 0...UInt32.max))"
        var children: [ChildProcess] = []
        defer { for child in children { child.killAndReap() } }
        for k in 0..<Self.stageCount {
            // Stage 0 paced as a sensor would be (2,000 records/s): under free timing nothing else holds it back.
            let yaml = Self.configuration(stage: k, port: broker.port, directory: directory, prefix: prefix, timing: "free", rateHz: 2_000)
            let path = try directory.write("free-\(k).yaml", yaml)
            children.append(try startHamlet(["run", "--config", path, "--max-steps", "\(steps)"], in: directory, name: "free-\(k)"))
        }
        for (k, child) in children.enumerated() {
            let status = await child.wait(timeout: .seconds(300))
            #expect(status == 0, "stage \(k): \(child.standardError.suffix(2000))")
            let newest = try #require(CheckpointDirectory(path: directory.path("state-\(k)/checkpoints")).newest)
            #expect(try checkpointStep(newest) == Int64(steps))
            let counts = child.standardError.split(separator: "\n").last { $0.contains("\(steps) steps; refused messages") } ?? ""
            print("free timing, stage \(k): \(counts)")
            if k == Self.stageCount - 1 { #expect(counts.contains("late costates 0, missing costates 0"), "no stage above the last") }
        }
        let losses = Self.printedLosses(children.last!.standardOutput).compactMap { $0 }
        #expect(losses.count == steps)
        // Against the same network on the same records with its weights fixed (β = 0), and learning in lockstep.
        var configuration = try AgentConfigurationLoader.load(path: directory.path("free-0.yaml"), environment: [:], overridesPath: nil)
        let lockstep = Self.reference(configuration, steps: steps).1
        configuration.learning.beta = 0
        let fixed = Self.reference(configuration, steps: steps).1
        func lastMean(_ values: [Float]) -> Float { values.suffix(300).reduce(0, +) / 300 }
        print("free timing through hamlet run: mean loss of the last 300 steps \(lastMean(losses)); "
            + "in lockstep \(lastMean(lockstep)), with fixed weights \(lastMean(fixed))")
        #expect(lastMean(losses) * 2 <= lastMean(fixed), "the stages learned")
    }
}
