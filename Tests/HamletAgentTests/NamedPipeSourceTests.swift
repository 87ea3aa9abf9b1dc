import AgentSettings
import Foundation
import HamletAgent
import Logging
import SafeTensors
import TestSupport
import Testing
import LearningPipeline

/// A new source is one type (issue 13): `NamedPipeSource`, which exists only in the tests, runs in
/// the whole agent — learner, checkpoints, predictions and rejected input on a real broker —
/// through `AgentAssembly.customSource`, with no change to the service or the assembly.
@Suite(.serialized) struct NamedPipeSourceTests {
    /// The agent runs on a thread of its own, as `hamlet run` runs it on the main thread.
    struct Handed<Value>: @unchecked Sendable { let value: Value }

    @Test("a source of the tests' own, reading a named pipe, runs in the agent: its records are learned, predicted and checkpointed, its bad line reported")
    func namedPipeSourceRunsInTheAgent() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        let pipe = directory.path("sensor.pipe")
        #expect(mkfifo(pipe, 0o600) == 0)
        var configuration = AgentConfiguration()
        configuration.agent = .init(id: "pipe", stateDirectory: directory.path("state"))
        configuration.mqtt.host = "127.0.0.1"
        configuration.mqtt.port = broker.port
        configuration.outputs.standardOutput = false
        configuration.checkpoints.everySeconds = 0
        let watcher = try await broker.watch(["hamlet/pipe/prediction", "hamlet/pipe/errors"], clientID: "pipe-watcher", outputPath: directory.path("watcher.out"))
        defer { watcher.killAndReap() }

        var assembly = AgentAssembly(
            configuration: configuration, environment: [:], context: RunContext(),
            logger: Logger(label: "pipe", factory: { _ in SwiftLogNoOpLogHandler() }))
        assembly.customSource = { rejections, context in
            NamedPipeSource(path: pipe, columns: ["a", "b"], rejections: rejections, context: context)
        }
        let runtime = try assembly.build(configurationPath: nil, base: configuration)
        let records = 300
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: pipe) else { return }
            for t in 0..<records {
                if t == 100 { handle.write(Data("not,a number\n".utf8)) }
                handle.write(Data("\(sin(0.1 * Double(t))),\(cos(0.1 * Double(t)))\n".utf8))
            }
            try? handle.close()
        }
        writer.start()
        let handed = Handed(value: runtime)
        let outcome = await onDedicatedThread { Handed(value: Result { () throws(LearnError) in try handed.value.run() }) }
        let summary = try outcome.value.get()

        #expect(summary.records == records)
        #expect(summary.steps == Int64(records - 1), "the forecast learns from each record after the first")
        let checkpoint = try #require(CheckpointDirectory(path: directory.path("state/checkpoints")).newest)
        #expect(try LearnerCheckpoint.read(path: checkpoint).tensors["step"]?.int64s() == [Int64(records - 1)])
        _ = await waitFor(.seconds(5)) { watcher.standardOutput.split(separator: "\n").count >= records + 1 }
        let lines = watcher.standardOutput.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("hamlet/pipe/prediction {\"type\":\"record\"") }.count == records)
        let errors = lines.filter { $0.hasPrefix("hamlet/pipe/errors ") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("line 101: expected 2 numbers, got \\\"not,a number\\\"") == true, "\(errors)")
    }
}
