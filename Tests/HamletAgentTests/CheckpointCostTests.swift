import AgentSettings
import Foundation
import HamletAgent
import Logging
import SafeTensors
import Testing
import LearningPipeline

/// What one checkpoint of the default agent costs, measured on the real path (`AgentService.saveCheckpoint`:
/// the session's tensors gathered and checked finite, then written, fsynced and renamed with its
/// directory fsynced), to choose `checkpoints.every_seconds`. Prints the figures; the bound
/// checked is loose (a second), as the machine's disk decides most of it.
@Suite(.serialized) struct CheckpointCostTests {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    @Test func oneCheckpointOfTheDefaultAgent() throws {
        let directory = try TemporaryDirectory()
        var configuration = AgentConfiguration()
        configuration.agent = .init(id: "cost", stateDirectory: directory.path("state"))
        configuration.mqtt.enabled = false
        configuration.outputs.standardOutput = false
        configuration.checkpoints.everySeconds = 0
        let stopped = RunContext()
        stopped.requestStop()
        let assembly = AgentAssembly(
            configuration: configuration, environment: [:], context: stopped,
            logger: Logger(label: "cost", factory: { _ in SwiftLogNoOpLogHandler() }))
        let service = try assembly.build(configurationPath: nil, base: configuration).service
        var gather: [Double] = [], total: [Double] = []
        var path = ""
        for _ in 0..<30 {
            let clock = ContinuousClock()
            gather.append(Self.seconds(clock.measure { _ = try? service.session.finiteCheckpointFile() }))
            total.append(Self.seconds(clock.measure { path = service.saveCheckpoint(reason: "measured") ?? "" }))
        }
        let file = try LearnerCheckpoint.read(path: path)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] * 1000 }
        print(
            "checkpoint of the default agent (\(file.tensors.count) tensors, \(bytes) bytes): median \(median(total)) ms, "
                + "max \(total.max()! * 1000) ms over \(total.count); gathering the tensors alone: median \(median(gather)) ms")
        #expect(!path.isEmpty && bytes > 0)
        #expect(file.tensors[LearnSession.driftTensor] != nil && file.tensors[LearnSession.scoringTensor] != nil)
        #expect(total.allSatisfy { $0 < 1 }, "\(total)")
    }
}
