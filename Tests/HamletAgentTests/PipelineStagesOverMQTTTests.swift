import Foundation
import HamiltonianLearning
import HamletAgent
import MQTTTransport
import TestSupport
import Testing
import LearningPipeline

/// Three stages of one pipelined network, each with its own MQTT client and thread, talking only
/// through a real mosquitto in lockstep: after 5,000 steps every stage's weights equal those of
/// one learner running every block, bit for bit (issue 15).
@Suite(.serialized) struct PipelineStagesOverMQTTTests {
    struct Handed<Value>: @unchecked Sendable { let value: Value }

    static let blocks = 3
    static let settings = HamiltonianConfiguration(beta: 0.02, eta: 0.3, gradientClip: 1)

    static func learner(stage: Range<Int>?) -> HamiltonianLearner<DeepForecaster<Float>> {
        let configuration = DeepForecasterConfiguration(
            inputCount: 3, width: 6, blockCount: blocks, stateCount: 4, gradientMode: .traces, scheme: .pipelined, stageBlocks: stage)
        return HamiltonianLearner(model: DeepForecaster<Float>(configuration), configuration: settings, seed: 5)
    }

    typealias Outcome = Handed<Result<[UInt32], StageLinkError>>

    /// Runners for `stages` of the K-block network, each with its own client, subscribed.
    static func stages(_ stages: Range<Int>, broker: MosquittoBroker, timing: PipelineStageRunner.Timing) async throws
        -> ([PipelineStageRunner], [MQTTClient])
    {
        let prefix = "test/stages-\(UInt32.random(in: 0...UInt32.max))"
        let identity = StageMessage.identity(of: "K=3 W=6 N=4 traces seed 5")
        var runners: [PipelineStageRunner] = []
        var clients: [MQTTClient] = []
        for k in stages {
            let id = "\(prefix.replacingOccurrences(of: "/", with: "-"))-\(k)"
            let client = try MQTTClient(configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: id, messageDelivery: .queue(capacity: 4_096)))
            clients.append(client)
            let link = try StageLink(client: client, prefix: prefix, stage: k, stageCount: blocks, model: identity, life: 1)
            client.start()
            for topic in link.subscriptions { try await broker.waitForSubscription(clientID: id, filter: topic, timeout: .seconds(10)) }
            runners.append(PipelineStageRunner(learner: learner(stage: k..<(k + 1)), link: link, timing: timing, timeout: .seconds(5)))
        }
        return (runners, clients)
    }

    /// Runs every runner for `steps` steps on its own thread; the last stage's loss bits, or the error that stopped it.
    /// `paced`: the first stage takes a step at most every 0.5 ms, as a sensor stream would (2,000
    /// samples/s): under free timing nothing else holds it back.
    static func run(_ runners: [PipelineStageRunner], steps: Int, data: [[Float]], paced: Bool = false) async -> [Int: Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (k, runner) in runners.enumerated() {
                let handed = Handed(value: runner)
                group.addTask {
                    let result = await onDedicatedThread { () -> Outcome in
                        let runner = handed.value
                        do throws(StageLinkError) {
                            var losses: [UInt32] = []
                            for t in 0..<steps {
                                if paced && runner.link.isFirst { usleep(500) }
                                let loss = try runner.step(input: data[t], target: data[t + 1])
                                if runner.link.isLast { losses.append(loss.bitPattern) }
                            }
                            return Handed(value: .success(losses))
                        } catch {
                            return Handed(value: .failure(error))
                        }
                    }
                    return (k, result)
                }
            }
            var byStage: [Int: Outcome] = [:]
            for await (k, result) in group { byStage[k] = result }
            return byStage
        }
    }

    @Test("three stages over a real broker in lockstep equal the single-process pipelined run after 5,000 steps, bit for bit")
    func lockstepEqualsOneProcess() async throws {
        let steps = 5_000
        let data = CheckpointResumeTests.stream(steps + 1)
        let whole = Self.learner(stage: nil)
        let expectedLosses = (0..<steps).map { whole.step(input: data[$0], target: data[$0 + 1]).bitPattern }
        #expect(whole.nonFiniteLosses == 0)

        // Lockstep waits on every hop: the broker's Nagle would add tens of milliseconds to each.
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let (runners, clients) = try await Self.stages(0..<Self.blocks, broker: broker, timing: .lockstep)
        defer { for client in clients { client.close() } }
        let outcomes = await Self.run(runners, steps: steps, data: data)
        for k in 0..<Self.blocks {
            guard case .success(let losses) = outcomes[k]!.value else {
                Issue.record("stage \(k) stopped: \(outcomes[k]!.value)")
                return
            }
            if k == Self.blocks - 1 { #expect(losses == expectedLosses, "the last stage's losses equal the single run's") }
        }
        let (theta, omega) = (whole.parameters.array, whole.parameterCostate.array)
        for (k, runner) in runners.enumerated() {
            let owned = whole.model.layout.tensors.filter { tensor in
                tensor.name.hasPrefix("blocks.\(k).") || (k == 0 && tensor.name.hasPrefix("input."))
                    || (k == Self.blocks - 1 && (tensor.name.hasPrefix("readout.") || tensor.name.hasPrefix("skip.")))
            }
            #expect(!owned.isEmpty)
            let (stageTheta, stageOmega) = (runner.learner.parameters.array, runner.learner.parameterCostate.array)
            for tensor in owned {
                #expect(stageTheta[tensor.range].map(\.bitPattern) == theta[tensor.range].map(\.bitPattern), "stage \(k): θ of \(tensor.name)")
                #expect(stageOmega[tensor.range].map(\.bitPattern) == omega[tensor.range].map(\.bitPattern), "stage \(k): ω of \(tensor.name)")
            }
            #expect(runner.link.refusedMessages == 0 && runner.link.staleMessages == 0)
            #expect(runner.skippedSteps == 0 && runner.missingCostates == 0, "stage \(k): skipped \(runner.skippedSteps), missing \(runner.missingCostates)")
        }
    }

    @Test("free timing: three stages learn without waiting for costates, and count the late and missing ones")
    func freeTimingLearns() async throws {
        let steps = 3_000
        let data = CheckpointResumeTests.stream(steps + 1)
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let (runners, clients) = try await Self.stages(0..<Self.blocks, broker: broker, timing: .free(maximumStaleness: 4))
        defer { for client in clients { client.close() } }
        let outcomes = await Self.run(runners, steps: steps, data: data, paced: true)
        guard case .success(let bits) = outcomes[Self.blocks - 1]!.value else {
            Issue.record("the last stage stopped: \(outcomes[Self.blocks - 1]!.value)")
            return
        }
        let losses = bits.map { Float(bitPattern: $0) }
        let early = losses.prefix(300).reduce(0, +) / 300, late = losses.suffix(300).reduce(0, +) / 300
        print("free timing: mean loss \(early) over the first 300 steps, \(late) over the last 300; "
            + runners.map { "stage \($0.link.stage): late \($0.lateCostates), missing \($0.missingCostates), "
                + "\($0.link.bytesSent / steps) bytes sent per step" }.joined(separator: "; "))
        #expect(late * 5 <= early)
        #expect(runners.allSatisfy { $0.steps == UInt64(steps) })
        // How many costates come late or not at all depends on the machine's load; that some arrive does not.
        #expect(runners.dropLast().allSatisfy { $0.missingCostates < steps - 1 }, "every stage learned from above at some steps")
        #expect(runners.last!.missingCostates == 0 && runners.last!.lateCostates == 0, "the last stage has no stage above")
    }

    @Test("free timing: with the last stage gone, the stages below keep stepping and count the costates that never come")
    func freeTimingSurvivesAMissingStage() async throws {
        let steps = 300
        let data = CheckpointResumeTests.stream(steps + 1)
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let (runners, clients) = try await Self.stages(0..<(Self.blocks - 1), broker: broker, timing: .free(maximumStaleness: 4))
        defer { for client in clients { client.close() } }
        let outcomes = await Self.run(runners, steps: steps, data: data, paced: true)
        for k in runners.indices {
            guard case .success = outcomes[k]!.value else {
                Issue.record("stage \(k) stopped: \(outcomes[k]!.value)")
                return
            }
        }
        #expect(runners[1].missingCostates == steps - 1, "stage 1 never hears from stage 2")
        #expect(runners[0].steps == UInt64(steps) && runners[1].steps == UInt64(steps))
    }

    @Test("a stage whose neighbour below never speaks names it gone after the timeout and waits on until stopped")
    func silentNeighbour() async throws {
        let broker = try await MosquittoBroker.start()
        let client = try MQTTClient(configuration: MQTTConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "lonely-stage", messageDelivery: .queue(capacity: 16)))
        defer { client.close() }
        let link = try StageLink(client: client, prefix: "test/lonely", stage: 1, stageCount: 3, model: 1, life: 1)
        client.start()
        let runner = PipelineStageRunner(learner: Self.learner(stage: 1..<2), link: link, timeout: .milliseconds(300))
        var changes: [StageNeighbour] = []
        link.onNeighbourChange = { changes.append($0) }
        link.startWatching()
        let clock = ContinuousClock()
        let start = clock.now
        // Stopped 1 s after the stage named its neighbour gone: it waited on rather than failing.
        var goneAt: ContinuousClock.Instant?
        let context = RunContext()
        link.context = context
        context.onIdle = { [unowned context] in
            if goneAt == nil, !changes.isEmpty { goneAt = clock.now }
            if let goneAt, clock.now - goneAt > .seconds(1) { context.requestStop() }
        }
        try runner.step()  // step 0 needs the state of no earlier step
        #expect(throws: StageLinkError.stopped) { try runner.step() }
        let gone = try #require(goneAt)
        print("the silent neighbour was named gone after \(gone - start)")
        #expect(gone - start >= .milliseconds(300) && gone - start < .seconds(3))
        #expect(Set(changes.map(\.stage)) == [0, 2], "both neighbours of stage 1 send to it and said nothing")
        #expect(changes.allSatisfy { $0.goneReason == "silent for 0.3 s" }, "\(changes)")
        #expect(runner.steps == 1, "no step ran without its state from below")
    }
}
