import Foundation
import TestSupport

/// `hamlet run --config` as a child process of the test, with its configuration written in a
/// temporary directory and its output in files there.
final class AgentProcess {
    let directory: TestSupport.TemporaryDirectory
    let configurationPath: String
    private(set) var child: ChildProcess
    private var runs = 0

    /// Writes `configuration` (YAML) and starts the agent; `environment` is added to the test's.
    init(configuration: String, in directory: TestSupport.TemporaryDirectory, environment: [String: String] = [:]) throws {
        self.directory = directory
        configurationPath = try directory.write("hamlet.yaml", configuration)
        child = try Self.spawn(configurationPath, directory: directory, run: 0, environment: environment)
    }

    /// Starts the agent again on the same configuration and state (after it has ended).
    func restart(environment: [String: String] = [:]) throws {
        runs += 1
        child = try Self.spawn(configurationPath, directory: directory, run: runs, environment: environment)
    }

    private static func spawn(
        _ configuration: String, directory: TestSupport.TemporaryDirectory, run: Int, environment: [String: String]
    ) throws -> ChildProcess {
        try ChildProcess.spawn(
            HamletProcess.executable.path, ["run", "--config", configuration], stdout: directory.file("stdout-\(run).jsonl"),
            stderr: directory.file("stderr-\(run).txt"), environment: environment)
    }

    /// SIGTERM, then the exit status (nil if it did not end within `timeout`; it is then killed).
    func terminate(timeout: Duration = .seconds(15)) async -> Int32? {
        child.kill(SIGTERM)
        let status = await child.wait(timeout: timeout)
        if status == nil { child.killAndReap() }
        return status
    }

    var standardError: String { child.standardError }

    /// The JSON objects the agent wrote on standard output.
    var lines: [[String: Any]] {
        child.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}

/// Sends one control request with mosquitto's own `mosquitto_rr` and returns the reply object.
func controlRequest(
    _ request: String, broker: MosquittoBroker, prefix: String, version: String, directory: TestSupport.TemporaryDirectory
) async throws -> [String: Any] {
    let replyTopic = version == "5" ? prefix + "/control/reply-v5" : prefix + "/control/reply"
    let result = try await runCommand(
        try requireExecutable("mosquitto_rr"),
        [
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-V", version == "5" ? "5" : "311", "-t", prefix + "/control", "-e",
            replyTopic, "-m", request, "-W", "10",
        ], in: directory, timeout: .seconds(15))
    guard result.status == 0 else {
        throw TestFailure("mosquitto_rr \(request) failed (\(result.status)): \(result.error)")
    }
    guard let reply = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
        throw TestFailure("the reply is not a JSON object: \(result.output)")
    }
    return reply
}

/// The retained message on `topic`, read with `mosquitto_sub` (nil when there is none within 5 s).
func retainedMessage(_ topic: String, broker: MosquittoBroker, directory: TestSupport.TemporaryDirectory) async throws -> String? {
    let result = try await runCommand(
        try requireExecutable("mosquitto_sub"),
        ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", topic, "--retained-only", "-C", "1", "-W", "5"], in: directory,
        timeout: .seconds(10))
    let text = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func waitFor(_ timeout: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
