import Foundation
import HamiltonianLearning
@testable import HamletAgent
import MQTTTransport
import TestSupport
import Testing
import LearningPipeline

/// A stage link's fault rules against a real mosquitto, with the neighbours' messages published
/// by hand (docs/stages.md, "Faults"): older lives refused, a newer life replacing what the older
/// one left, a later step telling that the awaited one is lost, `offline` naming a neighbour gone.
@Suite(.serialized) struct StageLinkFaultTests {
    static let prefix = "test/link-faults"

    /// Stage 1 of 3, started and subscribed, and a client that plays its neighbours.
    static func link(broker: MosquittoBroker) async throws -> (StageLink, MQTTClient, MQTTClient) {
        let client = try MQTTClient(configuration: MQTTConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "link-under-test", messageDelivery: .queue(capacity: 64)))
        let link = try StageLink(client: client, prefix: prefix, stage: 1, stageCount: 3, model: 42, life: 1)
        client.start()
        for topic in link.subscriptions { try await broker.waitForSubscription(clientID: "link-under-test", filter: topic, timeout: .seconds(10)) }
        let neighbours = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "neighbours"))
        neighbours.start()
        #expect(neighbours.waitUntilConnected(timeout: .seconds(5)))
        return (link, client, neighbours)
    }

    /// Runs `body` with stage 1 of 3 on a broker of its own and the client that plays its
    /// neighbours; both clients are closed afterwards, then the broker stops.
    static func withLink(_ body: (StageLink, MQTTClient) async throws -> Void) async throws {
        let broker = try await MosquittoBroker.start()
        let (link, client, neighbours) = try await Self.link(broker: broker)
        defer {
            client.close()
            neighbours.close()
            withExtendedLifetime(broker) {}
        }
        try await body(link, neighbours)
    }

    static func state(_ step: UInt64, life: UInt32, model: UInt64 = 42) -> [UInt8] {
        StageMessage(kind: .state, step: step, model: model, life: life, values: [Float(step)]).payload
    }

    @Test("messages of an older life or another model are refused; a newer life's replace what the older one left")
    func livesAndModels() async throws {
        try await Self.withLink { link, neighbours in
            let forward = StageLink.topic(Self.prefix, .state, from: 0)
            for payload in [Self.state(0, life: 5), Self.state(1, life: 5), Self.state(1, life: 4), Self.state(1, life: 5, model: 7)] {
                neighbours.publish(topic: forward, payload: payload)
            }
            #expect(try link.receive(.state, atLeast: 0) == .exact([0]))
            // Wait until all four have been read (the two refused ones are only counted).
            _ = try link.receive(.costate, atLeast: 0) { link.refusedMessages >= 2 }
            #expect(link.refusedMessages == 2 && link.neighbourRecords[0]?.rejected == 2)
            #expect(link.early[StageLink.Key(kind: .state, step: 1)] == [1], "life 5's step 1 is held")
            // Stage 0 restarted (life 6): its step 1 of life 5, still held, is not used.
            neighbours.publish(topic: forward, payload: Self.state(3, life: 6))
            _ = try link.receive(.costate, atLeast: 0) { link.neighbourRecords[0]?.life == 6 }
            #expect(link.early[StageLink.Key(kind: .state, step: 1)] == nil, "life 5's step 1 is gone with its life")
            #expect(try link.receive(.state, atLeast: 1) == .later(step: 3), "the awaited step can no longer come")
            #expect(try link.receive(.state, atLeast: 3) == .exact([3]))
            #expect(link.neighbourRecords[0]?.life == 6 && link.neighbourRecords[0]?.newestStep == 3)
        }
    }

    @Test("an offline status names the neighbour gone, online brings it back; each change is told once")
    func offlineAndOnline() async throws {
        try await Self.withLink { link, neighbours in
            var changes: [StageNeighbour] = []
            link.onNeighbourChange = { changes.append($0) }
            link.silenceTimeout = .seconds(60)
            link.startWatching()
            let status = StageLink.statusTopic(Self.prefix, stage: 2)
            for text in ["offline", "offline", "online"] {
                neighbours.publish(topic: status, payload: Array(text.utf8))
            }
            _ = try link.receive(.state, atLeast: 0) { changes.count >= 2 }
            #expect(changes.map(\.stage) == [2, 2])
            #expect(changes.map(\.goneReason) == ["offline", nil])
            #expect(changes.last?.absences == 1 && link.goneNeighbours.isEmpty)
        }
    }

    @Test("beforeWait runs when a receive finds nothing held or queued, and not while messages are waiting")
    func beforeWaitOnlyWhenIdle() async throws {
        try await Self.withLink { link, neighbours in
            var waits = 0
            link.beforeWait = { waits += 1 }
            let forward = StageLink.topic(Self.prefix, .state, from: 0)
            for step: UInt64 in 0..<3 { neighbours.publish(topic: forward, payload: Self.state(step, life: 5), qos: .atLeastOnce) }
            // The first receive waits for the three to arrive: it may block (and call beforeWait) until
            // the first is queued; once all three are held or queued, the next two must not.
            guard case .exact = try link.receive(.state, atLeast: 0) else { Issue.record("step 0 did not come"); return }
            for _ in 0..<500 where link.queue.count + link.early.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(link.queue.count + link.early.count == 2, "steps 1 and 2 arrived")
            let waitsBefore = waits
            for step: UInt64 in 1..<3 {
                guard case .exact = try link.receive(.state, atLeast: step) else { Issue.record("step \(step) did not come"); return }
            }
            #expect(waits == waitsBefore, "no wait while messages were queued: \(waits - waitsBefore)")
            var gaveUp = false
            #expect(try link.receive(.state, atLeast: 3) { defer { gaveUp = true }; return gaveUp } == .none)
            #expect(waits == waitsBefore + 1, "one wait on an empty queue: \(waits - waitsBefore)")
        }
    }

    @Test("every start of a stage has a larger life than the one before, kept in the state directory")
    func livesGrow() throws {
        let directory = try TemporaryDirectory()
        let first = StageLife.next(stateDirectory: directory.url.path, now: 1_000)
        let second = StageLife.next(stateDirectory: directory.url.path, now: 1_000)
        let third = StageLife.next(stateDirectory: directory.url.path, now: 500)
        let fourth = StageLife.next(stateDirectory: directory.url.path, now: 2_000)
        #expect([first, second, third, fourth] == [1_000, 1_001, 1_002, 2_000])
    }
}

extension StageLinkFaultTests {
    typealias Handed = PipelineStagesOverMQTTTests.Handed

    @Test("with the stage above gone, the stages below keep stepping and the weights of the one next to it stand still (η = 0)")
    func weightsHeldWhileAboveIsGone() async throws {
        let broker = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        let prefix = "test/held-\(UInt32.random(in: 0...UInt32.max))"
        // Without dissipation a weight's momentum never decays: without the hold θ would drift on.
        let settings = HamiltonianConfiguration(beta: 0.02, eta: 0, gradientClip: 1)
        var runners: [PipelineStageRunner] = []
        var clients: [MQTTClient] = []
        defer { for client in clients { client.close() } }
        for k in 0..<3 {
            let id = "held-\(k)"
            let client = try MQTTClient(configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: id, messageDelivery: .queue(capacity: 4_096)))
            clients.append(client)
            let configuration = DeepForecasterConfiguration(
                inputCount: 3, width: 6, blockCount: 3, stateCount: 4, gradientMode: .traces, scheme: .pipelined, stageBlocks: k..<(k + 1))
            let learner = HamiltonianLearner(model: DeepForecaster<Float>(configuration), configuration: settings, seed: 5)
            let link = try StageLink(client: client, prefix: prefix, stage: k, stageCount: 3, model: 1, life: 1)
            client.start()
            for topic in link.subscriptions { try await broker.waitForSubscription(clientID: id, filter: topic, timeout: .seconds(10)) }
            runners.append(PipelineStageRunner(learner: learner, link: link, timeout: .seconds(1)))
            link.startWatching()
        }
        let data = CheckpointResumeTests.stream(1_001)
        // Stage 2 runs 300 steps and stops; stages 0 and 1 run 1,000; stage 1 notes its weights at step 600 and 1,000.
        let snapshots = await withTaskGroup(of: [[Float]].self) { group in
            for (k, runner) in runners.enumerated() {
                let handed = Handed(value: runner)
                group.addTask {
                    await onDedicatedThread { () -> [[Float]] in
                        let runner = handed.value
                        var noted: [[Float]] = []
                        for t in 0..<(k == 2 ? 300 : 1_000) {
                            guard (try? runner.step(input: data[t], target: data[t + 1])) != nil else { return noted }
                            if k == 1 && (t == 599 || t == 999) { noted.append(runner.learner.parameters.array) }
                        }
                        return noted
                    }
                }
            }
            var all: [[Float]] = []
            for await noted in group { all += noted }
            return all
        }
        let (above, held) = (runners[2], runners[1])
        #expect(above.steps == 300, "stage 2 stopped after 300 steps")
        #expect(held.steps == 1_000 && runners[0].steps == 1_000, "stages 1 and 0 ran on: \(held.steps), \(runners[0].steps)")
        #expect(held.link.goneNeighbours == [2] && held.weightsHeld, "stage 1 named stage 2 gone and held its weights")
        // Stage 2 sent costates up to its last step, 299: steps 301 to 999 had none (and more if a
        // loaded machine held stage 2 back for the timeout before).
        #expect(held.missingCostates >= 699, "\(held.missingCostates) steps without a costate")
        let initial = HamiltonianLearner(model: DeepForecaster<Float>(held.learner.model.configuration), configuration: settings, seed: 5)
        try #require(snapshots.count == 2)
        #expect(snapshots[0] != initial.parameters.array, "stage 1 learned while stage 2 was there")
        #expect(snapshots[0].map(\.bitPattern) == snapshots[1].map(\.bitPattern), "its weights stood still while stage 2 was gone")
    }
}
