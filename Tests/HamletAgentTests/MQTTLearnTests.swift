import Foundation
import MQTTTransport
import Synchronization
import Testing

/// `hamlet learn --mqtt-host …` end to end: a real mosquitto, the real executable, sensor
/// messages in, predictions, errors and status out.
@Suite(.serialized) struct MQTTLearnTests {
    @Test func learnsFromSensorTopicsAndPublishesPredictions() throws {
        let broker = try LearnTestBroker()
        let prefix = "test/hamlet-\(UInt32.random(in: 0...UInt32.max))"

        // One test client publishes the sensors and records everything hamlet publishes.
        let client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "mqtt-learn-test", messageDelivery: .queue(capacity: 10_000)))
        defer { client.close() }
        try client.subscribe(prefix + "/#", qos: .atLeastOnce)
        client.start()
        #expect(client.waitUntilConnected(timeout: .seconds(5)))

        let stop = Atomic<Bool>(false)
        let publisher = Thread {
            var i = 0
            while !stop.load(ordering: .relaxed) {
                client.publish(topic: "sensors/a", payload: Array("\(sin(Double(i) * 0.3))".utf8), qos: .atMostOnce)
                client.publish(topic: "sensors/b", payload: Array("\(cos(Double(i) * 0.3))".utf8), qos: .atMostOnce)
                if i == 30 { client.publish(topic: "sensors/a", payload: Array("hot".utf8), qos: .atMostOnce) }
                i += 1
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        publisher.start()
        let result = try HamletProcess.run(
            [
                "learn", "--mqtt-host", "127.0.0.1", "--mqtt-port", "\(broker.port)", "--topic-prefix", prefix,
                "--sensor", "sensors/a", "--sensor", "sensors/b", "--step-period", "0.05", "--state-size", "8",
            ],
            interruptAfter: 3)
        stop.store(true, ordering: .relaxed)
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.lines.count >= 10, "stdout: \(result.standardOutput)\nstderr: \(result.standardError)")

        // Collect what hamlet published, in arrival order.
        var received: [MQTTMessage] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let message = client.messages!.pop(timeout: .milliseconds(200)) {
                received.append(message)
            } else if received.contains(where: { $0.topic == prefix + "/status" && $0.payloadText == "offline" }) {
                break
            }
        }
        let predictions = received.indices.filter { received[$0].topic == prefix + "/prediction" }
        #expect(predictions.count >= 10)
        for index in predictions {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(received[index].payload)) as? [String: Any],
                "not a JSON object: \(received[index].payloadText)")
            #expect(object["step"] is NSNumber)
            #expect(object["loss"] != nil)
            let time = try #require(object["time"] as? Double)
            #expect(abs(time - Date().timeIntervalSince1970) < 60)
            #expect((object["prediction"] as? [Any])?.count == 2)
        }

        // The bad payload is reported, and learning goes on after it.
        #expect(try PayloadSchema.prediction.problems(in: predictions.map { received[$0].payloadText }) == nil)
        let errors = received.indices.filter { received[$0].topic == prefix + "/errors" }
        #expect(try PayloadSchema.errors.problems(in: errors.map { received[$0].payloadText }) == nil)
        let firstError = try #require(errors.first, "no message on \(prefix)/errors")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(received[firstError].payload)) as? [String: String])
        #expect(report["topic"] == "sensors/a")
        #expect(report["reason"]?.contains("invalid JSON") == true)
        #expect((predictions.last ?? 0) > firstError)

        let status = try broker.readRetained(topic: prefix + "/status")
        #expect(status == "offline")
    }

    @Test func rejectsSensorWithoutBroker() throws {
        let result = try HamletProcess.run(["learn", "--sensor", "sensors/a"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--mqtt-host"))
    }
}

/// A mosquitto on a free 127.0.0.1 port, started with an empty signal mask, killed at deinit.
private final class LearnTestBroker {
    let port: Int
    let directory: TemporaryDirectory
    private let process = Process()

    init() throws {
        directory = try TemporaryDirectory()
        port = try Self.freePort()
        // Started as root, mosquitto would switch to user `mosquitto`; `user root` keeps it able to read the directory.
        let configuration = try directory.write(
            "mosquitto.conf", "user root\nallow_anonymous true\nmax_queued_messages 0\nlistener \(port) 127.0.0.1\n")
        process.executableURL = URL(fileURLWithPath: try Self.executable("mosquitto"))
        process.arguments = ["-c", configuration]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try Self.withEmptySignalMask { try process.run() }
        let deadline = Date().addingTimeInterval(5)
        while !Self.acceptsConnections(port: port) {
            guard process.isRunning, Date() < deadline else { throw LearnTestFailure("mosquitto did not start on port \(port)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The retained message on `topic`, read with mosquitto_sub.
    func readRetained(topic: String) throws -> String {
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: try Self.executable("mosquitto_sub"))
        sub.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-t", topic, "--retained-only", "-C", "1", "-W", "5"]
        let output = Pipe()
        sub.standardOutput = output
        sub.standardError = FileHandle.nullDevice
        try Self.withEmptySignalMask { try sub.run() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        sub.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Swift Testing's threads block signals, and children would inherit that mask.
    static func withEmptySignalMask<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t(), old = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return try body()
    }

    static func executable(_ name: String) throws -> String {
        for directory in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] where access(directory + "/" + name, X_OK) == 0 {
            return directory + "/" + name
        }
        throw LearnTestFailure("\(name) not found; install it: apt-get install -y mosquitto mosquitto-clients")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LearnTestFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw LearnTestFailure("bind: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

private struct LearnTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
