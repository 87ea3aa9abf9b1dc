import Foundation
import MQTTTransport
import TestSupport
import Testing

/// The demo's path end to end: the demo recording captured through ALSA's `file` plugin (no
/// sound card), `hamlet run`, a real mosquitto; predictions arrive, and the drift alert comes
/// after the hum starts and not before.
@Suite(.serialized) struct DemoEndToEndTests {
    @Test func alsaCaptureOfTheDemoRecordingAlertsAfterTheChangeOnly() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-demo-e2e")
        let wav = directory.file("demo.wav"), raw = directory.file("demo.raw")
        let generated = try await runCommand(
            HamletProcess.executable.path, ["generate", "--demo-audio", wav, "--speech-seconds", "30", "--hum-seconds", "5"],
            in: directory)
        #expect(generated.status == 0, "\(generated.error)")
        let converted = try await runCommand(
            try requireExecutable("sox"), [wav, "-t", "raw", "-e", "signed", "-b", "16", "-r", "16000", "-c", "1", raw], in: directory)
        #expect(converted.status == 0, "\(converted.error)")
        let asound = try directory.write(
            "asound.conf",
            """
            pcm.demo {
                type file
                slave.pcm { type null }
                file "/dev/null"
                infile "\(raw)"
                format "raw"
            }
            """)
        // The file plugin delivers far faster than real time; a ring holding the whole
        // recording lets a debug build learn every frame of it.
        let configuration = """
            agent:
              id: e2e
              state_directory: \(directory.file("state"))
            source:
              kind: alsa
              alsa:
                device: demo
                buffer_seconds: 40
            audio:
              normalize_frames: 200
            model:
              state_size: 32
            drift:
              warm_up: 2000
            mqtt:
              host: 127.0.0.1
              port: \(broker.port)
            outputs:
              prediction_every: 50
            """
        let listener = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "e2e-listener", messageDelivery: .queue(capacity: 100_000)))
        defer { listener.close() }
        try listener.subscribe("hamlet/e2e/#", qos: .atLeastOnce)
        listener.start()
        #expect(listener.waitUntilConnected(timeout: .seconds(5)))

        let agent = try AgentProcess(configuration: configuration, in: directory, environment: ["ALSA_CONFIG_PATH": asound])
        defer { agent.child.killAndReap() }
        var predictions: [String] = [], alerts: [[String: Any]] = []
        var lastFrame = 0
        let deadline = ContinuousClock.now + .seconds(90)
        // Frame 2998 is the first to hold hum; 3,500 frames are the whole recording.
        while lastFrame < 3_450, ContinuousClock.now < deadline {
            guard let message = listener.messages!.pop(timeout: .milliseconds(500)) else {
                if !agent.child.isRunning { break }
                continue
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(message.payload))) as? [String: Any] else { continue }
            if message.topic == "hamlet/e2e/prediction" {
                predictions.append(message.payloadText)
                lastFrame = max(lastFrame, object["frame"] as? Int ?? 0)
            } else if message.topic == "hamlet/e2e/alert" {
                alerts.append(object)
            }
        }
        #expect(await agent.terminate() == 0, "stderr: \(agent.standardError)")
        #expect(agent.standardError.contains("opened ALSA PCM 'demo'"), "stderr: \(agent.standardError)")
        #expect(predictions.count >= 60, "\(predictions.count) predictions; stderr: \(agent.standardError)")
        #expect(try PayloadSchema.prediction.problems(in: predictions) == nil)
        let frames = alerts.compactMap { $0["frame"] as? Int }.filter { $0 < 3_500 }
        #expect(!frames.isEmpty, "no drift alert; last frame \(lastFrame); stderr: \(agent.standardError)")
        #expect(frames.allSatisfy { $0 >= 2_998 }, "an alert before the change: \(frames)")
        #expect((frames.min() ?? .max) <= 3_200, "the first alert came late: \(frames)")
    }
}
