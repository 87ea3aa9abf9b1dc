import AgentSettings
import Foundation
import HamiltonianLearning
import HamletAgent
import TestSupport
import Testing
import LearningPipeline

/// Stages at two sites (issue 15): each site has its own mosquitto, and broker B bridges the
/// stages' topics to broker A, as a mosquitto bridge joins two sites. Stages 0 and 2 talk to
/// broker A, stage 1 to broker B, so every stage message crosses the bridge; in lockstep the run
/// must still equal the single-process pipelined learner bit for bit.
@Suite(.serialized) struct StageBridgeTests {
    static let steps = 1_500

    @Test("three stages split over two bridged brokers (0 and 2 on A, 1 on B) in lockstep equal the single-process run")
    func stagesAcrossBridgedBrokers() async throws {
        let prefix = "test/bridged-\(UInt32.random(in: 0...UInt32.max))"
        let siteA = try await MosquittoBroker.start(.init(tcpNoDelay: true))
        var optionsB = MosquittoBroker.Options(tcpNoDelay: true)
        optionsB.bridge = .init(remotePort: siteA.port, topicPattern: "\(prefix)/#", clientID: "bridge-b")
        let siteB = try await MosquittoBroker.start(optionsB)
        // Stage messages sent before the bridge subscribes on A would be lost to stage 1.
        try await siteA.waitForSubscription(clientID: "bridge-b", filter: "\(prefix)/#", timeout: .seconds(10))

        let directory = try TemporaryDirectory()
        let ports = [siteA.port, siteB.port, siteA.port]
        let paths = try (0..<StageProcessesTests.stageCount).map { k in
            try directory.write(
                "stage-\(k).yaml", StageProcessesTests.configuration(stage: k, port: ports[k], directory: directory, prefix: prefix))
        }
        let run = try StageRun(order: [1, 2, 0], paths: paths, steps: Self.steps, in: directory)
        print("three stages over two bridged brokers: \(Self.steps) steps in \(await run.waitForAll())")

        let configuration = try AgentConfigurationLoader.load(path: paths[0], environment: [:], overridesPath: nil)
        let (whole, losses) = StageProcessesTests.reference(configuration, steps: Self.steps)
        #expect(losses.count == Self.steps && whole.nonFiniteLosses == 0)
        let theta = whole.parameters.array
        for k in 0..<StageProcessesTests.stageCount {
            let path = try #require(
                CheckpointDirectory(path: directory.path("state-\(k)/checkpoints")).newest, "stage \(k) wrote no checkpoint")
            let file = try LearnerCheckpoint.read(path: path)
            #expect(try file.tensors["step"]?.int64s() == [Int64(Self.steps)])
            for tensor in StageProcessesTests.owned(by: k, in: whole.model.layout) {
                let weights = try #require(file.tensors["weights/\(tensor.name)"]).floats()
                #expect(weights.map(\.bitPattern) == theta[tensor.range].map(\.bitPattern), "stage \(k): θ of \(tensor.name)")
            }
        }
        let printed = StageProcessesTests.printedLosses(run.process(of: 2).standardOutput)
        #expect(printed.map { $0?.bitPattern } == losses.map { $0.isFinite ? $0.bitPattern : nil }, "the last stage's losses are the single run's")
    }
}
