import TestSupport
import Foundation
import Synchronization
import SystemPrimitives
import Testing

@_spi(Testing) @testable import MQTTTransport

/// Collects a client's events in the background (the stream finishes at `close()`).
final class EventCollector: Sendable {
    private let box = Locked<[MQTTEvent]>([])
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<MQTTEvent>) {
        let box = self.box
        task = Task { for await event in stream { box.withLock { $0.append(event) } } }
    }

    var events: [MQTTEvent] { box.value }

    var messages: [MQTTMessage] {
        events.compactMap { if case .message(let m) = $0 { m } else { nil } }
    }

    var connects: [(reasonCode: Int32, sessionPresent: Bool)] {
        events.compactMap { if case .connected(let rc, let present) = $0 { (rc, present) } else { nil } }
    }
}

/// Helpers shared by the broker suites: client settings for a test broker, a connected client,
/// and mosquitto_sub / mosquitto_pub as the other side. A protocol, because each suite is its own
/// struct and the helpers need that suite's `recorder`.
protocol BrokerTestSupport {
    /// Receives the log lines of the clients the helpers make.
    var recorder: LogRecorder { get }
}

extension BrokerTestSupport {
    func configuration(_ broker: MosquittoBroker, clientID: String, _ adjust: (inout MQTTConfiguration) -> Void = { _ in })
        -> MQTTConfiguration
    {
        var c = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: clientID, keepAliveSeconds: 10)
        c.reconnect = ExponentialBackoff(initial: .milliseconds(100), maximum: .milliseconds(800), jitterFraction: 0.5)
        c.connectTimeout = .seconds(3)
        adjust(&c)
        return c
    }

    func connectedClient(_ configuration: MQTTConfiguration, subscribe filters: [String] = []) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: configuration, logger: recorder.logger)
        for filter in filters { try client.subscribe(filter) }
        client.start()
        let connected = await eventually { client.isConnected }
        if !connected { throw TestFailure("client did not connect:\n\(recorder.text)") }
        return client
    }

    /// `mosquitto_sub` exiting after `count` messages (or `seconds`), printing `format` per message.
    func subscriber(
        _ broker: MosquittoBroker, topic: String, count: Int, format: String, clientID: String, extra: [String] = [],
        port: Int? = nil, seconds: Int = 8
    ) throws -> ChildProcess {
        let sub = try requireExecutable("mosquitto_sub")
        return try ChildProcess.spawn(
            sub,
            ["-h", "127.0.0.1", "-p", "\(port ?? broker.port)", "-i", clientID, "-q", "1", "-t", topic]
                + ["-C", "\(count)", "-W", "\(seconds)", "-F", format] + (extra.contains("-V") ? [] : ["-V", "5"]) + extra,
            stdout: broker.directory.file("\(clientID).out"), stderr: broker.directory.file("\(clientID).err"))
    }

    func finishedLines(_ process: ChildProcess, timeout: Duration = .seconds(9)) async throws -> [String] {
        guard let status = await process.wait(timeout: timeout) else {
            process.killAndReap()
            throw TestFailure("mosquitto_sub did not finish; got: \(process.standardOutput) \(process.standardError)")
        }
        if status != 0 { throw TestFailure("mosquitto_sub exited \(status): \(process.standardOutput) \(process.standardError)") }
        return process.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// What a subscriber arriving now sees on `topic` (one message, normally the retained one), as "retain|payload".
    func retained(_ broker: MosquittoBroker, _ topic: String, clientID: String) async throws -> [String] {
        try await finishedLines(try subscriber(broker, topic: topic, count: 1, format: "%r|%p", clientID: clientID))
    }

    func mosquittoPub(_ broker: MosquittoBroker, _ arguments: [String], port: Int? = nil) async throws {
        let pub = try requireExecutable("mosquitto_pub")
        let result = try await runCommand(
            pub, ["-h", "127.0.0.1", "-p", "\(port ?? broker.port)"] + arguments, in: broker.directory, timeout: .seconds(5))
        if result.status != 0 { throw TestFailure("mosquitto_pub failed (\(result.status)): \(result.error)") }
    }
}
