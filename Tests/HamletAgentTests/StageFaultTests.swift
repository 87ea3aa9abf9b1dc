import AgentSettings
import Foundation
import HamletAgent
import TestSupport
import Testing
import LearningPipeline

/// Faults of three `hamlet run` stages over a real mosquitto (issue 15, "Faults"): a middle stage
/// killed and restarted from its own checkpoint, and a broker restart, while the run goes on.
@Suite(.serialized) struct StageFaultTests {
    /// Lockstep, stage 0 paced at 1,000 records/s as a sensor would be, a neighbour silent for 2 s
    /// is gone, a checkpoint every 500 steps.
    static func configuration(stage k: Int, port: Int, directory: TemporaryDirectory, prefix: String) -> String {
        StageProcessesTests.configuration(stage: k, port: port, directory: directory, prefix: prefix, rateHz: 1_000)
            .replacingOccurrences(of: "timeout_seconds: 30", with: "timeout_seconds: 2")
            .replacingOccurrences(of: "  every_seconds: 0\n", with: "  every_seconds: 0\n  every_steps: 500\n")
    }

    /// The stage's step its newest checkpoint holds (`hamlet.stage.step`), nil without one.
    static func savedStep(_ directory: TemporaryDirectory, stage k: Int) -> Int? {
        guard let path = CheckpointDirectory(path: directory.path("state-\(k)/checkpoints")).newest,
            let file = try? LearnerCheckpoint.read(path: path)
        else { return nil }
        return file.metadata["hamlet.stage.step"].flatMap { Int($0) }
    }

    /// The number after `name` in the stage's final counts ("… steps; refused messages 0, …").
    static func count(_ name: String, in log: String) -> Int? {
        guard let line = log.split(separator: "\n").last(where: { $0.contains(" steps; refused messages ") }),
            let match = line.firstMatch(of: try! Regex("\(name) (\\d+)"))
        else { return nil }
        return Int(match.output[1].substring ?? "")
    }

    /// The alert lines on the broker (`hamlet/<agent id>/alert <json>`) of `kind`.
    static func alerts(_ kind: String, in watcher: ChildProcess) -> [Substring] {
        watcher.standardOutput.split(separator: "\n").filter { $0.contains("/alert ") && $0.contains("\"alert\":\"\(kind)\"") }
    }

    /// The `steps` of stage `k`'s newest metrics seen on the broker.
    static func metricsSteps(_ watcher: ChildProcess, stage k: Int) -> Int? {
        guard let line = watcher.standardOutput.split(separator: "\n").last(where: { $0.hasPrefix("hamlet/stage-\(k)/metrics ") }),
            let match = line.firstMatch(of: /"steps":(\d+),/)
        else { return nil }
        return Int(match.1)
    }

    /// The three stages; `checkpointEvery` overrides the checkpoint interval of the stages it names.
    static func startStages(
        _ steps: Int, broker: MosquittoBroker, directory: TemporaryDirectory, checkpointEvery: [Int: Int] = [:]
    ) throws -> [ChildProcess] {
        let prefix = "test/faults-\(UInt32.random(in: 0...UInt32.max))"
        return try (0..<StageProcessesTests.stageCount).map { k in
            var yaml = configuration(stage: k, port: broker.port, directory: directory, prefix: prefix)
            if let every = checkpointEvery[k] { yaml = yaml.replacingOccurrences(of: "every_steps: 500", with: "every_steps: \(every)") }
            let path = try directory.write("stage-\(k).yaml", yaml)
            return try startHamlet(["run", "--config", path, "--max-steps", "\(steps)"], in: directory, name: "stage-\(k)")
        }
    }

    /// A broker for the stages and a watcher of every stage's metrics and alerts on it.
    static func brokerAndWatcher() async throws -> (MosquittoBroker, TemporaryDirectory, ChildProcess) {
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let directory = try TemporaryDirectory()
        let watcher = try await broker.watch(["hamlet/+/metrics", "hamlet/+/alert"], clientID: "fault-watcher", outputPath: directory.path("watcher.out"))
        return (broker, directory, watcher)
    }

    @Test("kill -9 of the middle stage, then a restart: the others go on, alerts name stage 1, it resumes from its checkpoint and the counts say what was missed")
    func killAndRestartMiddleStage() async throws {
        // Long enough that stage 0 is still running when a test slowed by a loaded machine gets to the kill.
        let steps = 20_000
        let (broker, directory, watcher) = try await Self.brokerAndWatcher()
        defer { watcher.killAndReap() }
        var children = try Self.startStages(steps, broker: broker, directory: directory)
        defer { for child in children { child.killAndReap() } }

        let checkpointed = await waitFor(.seconds(120)) { (Self.savedStep(directory, stage: 1) ?? 0) >= 1_000 }
        try #require(checkpointed, "stage 1 wrote no checkpoint of step 1,000: \(children[1].standardError.suffix(2000))")
        children[1].kill(SIGKILL)
        _ = await children[1].wait(timeout: .seconds(10))
        let saved = try #require(Self.savedStep(directory, stage: 1))
        let clock = ContinuousClock()
        let killed = clock.now

        // Away for 3 s: stage 0 keeps stepping (its metrics advance), both neighbours name stage 1.
        try await Task.sleep(for: .milliseconds(500))
        let before = Self.metricsSteps(watcher, stage: 0) ?? 0
        try await Task.sleep(for: .milliseconds(2_500))
        let after = Self.metricsSteps(watcher, stage: 0) ?? 0
        print("while stage 1 was away, stage 0's metrics went from step \(before) to \(after) in 2.5 s")
        #expect(after > before, "stage 0 went on without stage 1")
        let gone = Self.alerts("stage-neighbour-gone", in: watcher).filter { $0.contains("\"neighbour\":1,") }
        #expect(gone.contains { $0.hasPrefix("hamlet/stage-0/alert ") && $0.contains("\"reason\":\"offline\"") }, "\(gone)")
        #expect(gone.contains { $0.hasPrefix("hamlet/stage-2/alert ") }, "\(gone)")
        #expect(children[0].isRunning && children[2].isRunning)
        // The metrics say it too: stage 0's latest names stage 1 gone, with its lag in steps.
        let metrics0 = watcher.standardOutput.split(separator: "\n").last { $0.hasPrefix("hamlet/stage-0/metrics ") } ?? ""
        let away = metrics0.firstMatch(of: /\{"stage":1,"state":"gone","reason":"offline","lag_steps":(\d+),/)
        #expect(away != nil, "stage 0's metrics: \(metrics0)")
        print("stage 0's metrics while stage 1 was away: lag to stage 1 \(away.map { String($0.1) } ?? "?") steps: \(metrics0)")
        let everyMetrics = watcher.standardOutput.split(separator: "\n").filter { $0.contains("/metrics ") }.map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(try PayloadSchema.stageMetrics.problems(in: everyMetrics) == nil, "the stages' metrics follow schemas/stage-metrics.schema.json")

        let restarted = clock.now
        let path = directory.path("stage-1.yaml")
        children[1] = try startHamlet(["run", "--config", path, "--max-steps", "\(steps)"], in: directory, name: "stage-1-again")
        for (k, child) in children.enumerated() {
            let status = await child.wait(timeout: .seconds(180))
            #expect(status == 0, "stage \(k) ended with \(String(describing: status)): \(child.standardError.suffix(3000))")
        }
        print("stage 1 was away \(restarted - killed) before its restart; the run ended \(clock.now - restarted) after it")

        let logs = children.map(\.standardError)
        #expect(logs[1].contains("this stage resumes at step \(saved)"), "stage 1 resumed from its checkpoint: \(logs[1].prefix(3000))")
        #expect(saved >= 1_000)
        print("stage 1 resumed at step \(saved), its newest checkpoint before the kill")
        for (k, log) in logs.enumerated() {
            let counts = log.split(separator: "\n").last { $0.contains(" steps; refused messages ") } ?? ""
            print("stage \(k): \(counts)")
            #expect(counts.contains("\(steps) steps;"), "stage \(k) reached step \(steps): \(counts)")
        }
        // Stage 0 stepped without stage 1's costates while it was away; stages 1 and 2 skipped to stage 0's step.
        let missing0 = try #require(Self.count("missing costates", in: logs[0]))
        let skipped1 = try #require(Self.count("skipped steps", in: logs[1]))
        let skipped2 = try #require(Self.count("skipped steps", in: logs[2]))
        #expect(missing0 >= 100 && skipped1 >= 100 && skipped2 >= 100, "missing \(missing0), skipped \(skipped1), \(skipped2)")
        // Stage 1 resumed no later than where stage 2 had stopped, and both rejoined at stage 0's step.
        #expect(skipped1 + 2 >= skipped2, "skipped \(skipped1) on stage 1, \(skipped2) on stage 2")
        #expect(logs[0].contains("stage 1 is gone (offline)") && logs[0].contains("stage 1 is back"), "\(logs[0].suffix(3000))")
        #expect(logs[2].contains("stage 1 is gone") && logs[2].contains("stage 1 is back"), "\(logs[2].suffix(3000))")
        let back = Self.alerts("stage-neighbour-back", in: watcher).filter { $0.contains("\"neighbour\":1,") }
        #expect(back.contains { $0.hasPrefix("hamlet/stage-0/alert ") } && back.contains { $0.hasPrefix("hamlet/stage-2/alert ") }, "\(back)")
        print("alerts naming stage 1: \(gone.count) gone, \(back.count) back; e.g. \(back.first ?? "none")")
        let payloads = (gone + back).map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(try PayloadSchema.alert.problems(in: payloads) == nil, "the neighbour alerts follow schemas/alert.schema.json")

        // The last stage's losses: finite throughout, and learned (against the same network with fixed weights).
        let printed = StageProcessesTests.printedLosses(children[2].standardOutput)
        // One line per step it ran: every step but the skipped ones (how many depends on how late a loaded machine lets the test kill).
        #expect(printed.count == steps - skipped2 && printed.allSatisfy { $0 != nil }, "\(printed.count) lines, \(skipped2) steps skipped")
        let losses = printed.compactMap { $0 }
        var configuration = try AgentConfigurationLoader.load(path: directory.path("stage-0.yaml"), environment: [:], overridesPath: nil)
        configuration.learning.beta = 0
        let fixed = StageProcessesTests.reference(configuration, steps: steps).1
        func lastMean(_ values: [Float]) -> Float { values.suffix(300).reduce(0, +) / 300 }
        print("the last 300 losses after the restart: mean \(lastMean(losses)), with fixed weights \(lastMean(fixed))")
        #expect(lastMean(losses) * 2 <= lastMean(fixed), "the stages learned")
    }

    @Test("kill -9 of the first stage, then a restart: the stages above wait and name it gone; it resumes behind them and steps on until they pick it up")
    func killAndRestartFirstStage() async throws {
        // Stage 0 checkpoints at step 6,000 and is killed 0.6 s later, well before its next one (at the end).
        let steps = 12_000
        let (broker, directory, watcher) = try await Self.brokerAndWatcher()
        defer { watcher.killAndReap() }
        var children = try Self.startStages(steps, broker: broker, directory: directory, checkpointEvery: [0: 6_000])
        defer { for child in children { child.killAndReap() } }
        let checkpointed = await waitFor(.seconds(120)) { (Self.savedStep(directory, stage: 0) ?? 0) >= 6_000 }
        try #require(checkpointed, "stage 0 wrote no checkpoint of step 6,000: \(children[0].standardError.suffix(2000))")
        // A few hundred steps after its checkpoint, so that it resumes behind the others.
        try await Task.sleep(for: .milliseconds(600))
        children[0].kill(SIGKILL)
        _ = await children[0].wait(timeout: .seconds(10))
        let saved = try #require(Self.savedStep(directory, stage: 0))

        // The stages above cannot infer without stage 0: they wait (their step stays), and say why.
        try await Task.sleep(for: .milliseconds(1_000))
        let waiting = Self.metricsSteps(watcher, stage: 2)
        try await Task.sleep(for: .milliseconds(1_000))
        #expect(waiting != nil && Self.metricsSteps(watcher, stage: 2) == waiting, "stage 2 waits at step \(String(describing: waiting))")
        let gone = Self.alerts("stage-neighbour-gone", in: watcher).filter { $0.contains("\"neighbour\":0,") }
        #expect(gone.contains { $0.hasPrefix("hamlet/stage-1/alert ") } && gone.contains { $0.hasPrefix("hamlet/stage-2/alert ") }, "\(gone)")
        let path = directory.path("stage-0.yaml")
        children[0] = try startHamlet(["run", "--config", path, "--max-steps", "\(steps)"], in: directory, name: "stage-0-again")
        for (k, child) in children.enumerated() {
            let status = await child.wait(timeout: .seconds(180))
            #expect(status == 0, "stage \(k) ended with \(String(describing: status)): \(child.standardError.suffix(3000))")
            let counts = child.standardError.split(separator: "\n").last { $0.contains(" steps; refused messages ") } ?? ""
            print("after stage 0's restart, stage \(k): \(counts)")
            #expect(counts.contains("\(steps) steps;"), "stage \(k) reached step \(steps): \(counts)")
        }
        let logs = children.map(\.standardError)
        print("stage 0 resumed at step \(saved); stage 2 had waited at step \(waiting ?? -1)")
        let behind = (waiting ?? 0) - saved
        #expect(logs[0].contains("this stage resumes at step \(saved)"), "\(logs[0].prefix(3000))")
        // Its normalisation went on warm: the checkpoint holds it and it was taken back.
        #expect(!logs[0].contains("starts afresh"), "\(logs[0].prefix(3000))")
        let newest = try #require(CheckpointDirectory(path: directory.path("state-0/checkpoints")).newest)
        #expect(try LearnerCheckpoint.read(path: newest).tensors[LearnSession.scoringTensor] != nil)
        // Behind the others, it waited for a costate its neighbour above could not send, named it gone, and caught up.
        // (Only a test slowed down by more than 5 s would reach the kill after stage 0's last checkpoint.)
        if behind >= 50 {
            #expect(logs[0].contains("stage 1 is gone (silent for 2.0 s)") && logs[0].contains("stage 1 is back"), "\(logs[0].suffix(3000))")
            let stale1 = try #require(Self.count("stale messages", in: logs[1]))
            #expect(stale1 >= behind - 2, "stage 1 dropped stage 0's states of the \(behind) steps it had passed")
        } else {
            print("stage 0 was only \(behind) steps behind: the catching up was not exercised in this run")
        }
        #expect(Self.count("skipped steps", in: logs[1]) == 0 && Self.count("skipped steps", in: logs[2]) == 0, "nothing above skipped")
    }

    @Test("a broker restart mid-run: the stages reconnect, realign and reach their step count")
    func brokerRestart() async throws {
        let steps = 5_000
        let broker = try await MosquittoBroker.start(.init(persistence: true, tcpNoDelay: true))
        let directory = try TemporaryDirectory()
        let children = try Self.startStages(steps, broker: broker, directory: directory)
        defer { for child in children { child.killAndReap() } }
        let going = await waitFor(.seconds(120)) { (Self.savedStep(directory, stage: 2) ?? 0) >= 1_000 }
        try #require(going, "stage 2 wrote no checkpoint of step 1,000: \(children[2].standardError.suffix(2000))")
        let clock = ContinuousClock()
        let stopped = clock.now
        broker.signal(SIGTERM)
        #expect(await waitFor(.seconds(5)) { !broker.isRunning })
        try await Task.sleep(for: .seconds(1))
        try await broker.launch()
        let relaunched = clock.now
        for (k, child) in children.enumerated() {
            let status = await child.wait(timeout: .seconds(180))
            #expect(status == 0, "stage \(k) ended with \(String(describing: status)): \(child.standardError.suffix(3000))")
            let counts = child.standardError.split(separator: "\n").last { $0.contains(" steps; refused messages ") } ?? ""
            print("after a broker restart, stage \(k): \(counts)")
            for line in child.standardError.split(separator: "\n") where line.contains(" is gone") || line.contains(" is back") || line.contains("onnect") {
                print("  stage \(k) log: \(line.prefix(300))")
            }
            #expect(counts.contains("\(steps) steps;"), "stage \(k) reached step \(steps): \(counts)")
            #expect(Self.savedStep(directory, stage: k) == steps)
        }
        print("broker down \(relaunched - stopped); the run ended \(clock.now - relaunched) after it was back")
    }
}
