import TestSupport
import Foundation
import Synchronization
import Testing

@_spi(Testing) @testable import MQTTTransport

extension MQTTBrokerTests {
    @Suite("TLS, authentication and sessions")
    struct TLSAndAuthentication: BrokerTestSupport {
        let recorder = LogRecorder()

        @Test func tlsWithGeneratedCAConnects() async throws {
            let broker = try await MosquittoBroker.start(.init(tls: true))
            let certificates = try #require(broker.certificates)
            let tlsPort = try #require(broker.tlsPort)
            let sub = try subscriber(
                broker, topic: "hamlet/test/tls", count: 1, format: "%p", clientID: "sub-tls", extra: ["--cafile", certificates.caFile],
                port: tlsPort)
            try await broker.waitForSubscription(clientID: "sub-tls", filter: "hamlet/test/tls")
            for host in ["127.0.0.1", "localhost"] {
                let client = try await connectedClient(
                    configuration(broker, clientID: "hamlet-tls-\(host)") {
                        $0.host = host
                        $0.port = tlsPort
                        $0.tls = MQTTTLSConfiguration(caFile: certificates.caFile)
                    })
                if host == "127.0.0.1" { client.publish(topic: "hamlet/test/tls", payload: Array("secret sauce".utf8)) }
                #expect(await eventually { client.counters.messagesDelivered == (host == "127.0.0.1" ? 1 : 0) })
                client.close()
            }
            #expect(try await finishedLines(sub) == ["secret sauce"])
            #expect(recorder.contains("(MQTT 5, TLS, session present: no)"))
        }

        @Test func tlsClientCertificateAndWrongCA() async throws {
            let broker = try await MosquittoBroker.start(.init(tls: true, requireClientCertificate: true))
            let certificates = try #require(broker.certificates)
            let tlsPort = try #require(broker.tlsPort)
            let client = try await connectedClient(
                configuration(broker, clientID: "hamlet-cert") {
                    $0.port = tlsPort
                    $0.tls = MQTTTLSConfiguration(
                        caFile: certificates.caFile, certificateFile: certificates.clientCertificate, keyFile: certificates.clientKey)
                })
            client.close()

            // A broker certificate from another CA is rejected, quickly and with a clear log line.
            let otherDirectory = try TemporaryDirectory()
            let other = try await TestCertificates.generate(in: otherDirectory, name: "Other CA")
            let rogue = LogRecorder()
            let stranger = try MQTTClient(
                configuration: configuration(broker, clientID: "hamlet-wrong-ca") {
                    $0.port = tlsPort
                    $0.tls = MQTTTLSConfiguration(caFile: other.caFile, certificateFile: other.clientCertificate, keyFile: other.clientKey)
                }, logger: rogue.logger)
            stranger.start()
            #expect(await eventually(timeout: .seconds(4)) { rogue.contains("not reachable") })
            #expect(!stranger.isConnected)
            stranger.close()
            #expect(rogue.contains("certificate verify failed"), "\(rogue.text)")
        }

        @Test func wrongPasswordIsRefusedWithAClearLogLine() async throws {
            let broker = try await MosquittoBroker.start(.init(users: [("agent", "right-pw")], allowAnonymous: false))
            let directory = try TemporaryDirectory()
            let passwordFile = try directory.write("mqtt-password", "wrong-pw\n")
            let client = try MQTTClient(
                configuration: configuration(broker, clientID: "hamlet-auth") {
                    $0.userName = "agent"
                    $0.passwordFile = passwordFile
                }, logger: recorder.logger)
            defer { client.close() }
            let collector = EventCollector(client.events)
            client.start()
            #expect(await eventually { recorder.contains("refused the connection") })
            let expected =
                "MQTT broker 127.0.0.1:\(broker.port) refused the connection: Not authorized (reason 135); "
                + "check the user name and password file"
            #expect(recorder.all.contains { $0.level == .error && $0.text.hasPrefix(expected) }, "\(recorder.text)")
            #expect(collector.connects.first?.reasonCode == 135)
            #expect(!client.isConnected && client.counters.connectionRefusals >= 1)
            // The file is read again before each attempt: fixing it lets the client in without a restart.
            _ = try directory.write("mqtt-password", "right-pw\n")
            #expect(await eventually { client.isConnected })
            #expect(!recorder.text.contains("wrong-pw") && !recorder.text.contains("right-pw"))
        }

        @Test func sessionExpiryKeepsTheSession() async throws {
            let broker = try await MosquittoBroker.start()
            let settings = configuration(broker, clientID: "hamlet-session") {
                $0.cleanStart = false
                $0.sessionExpirySeconds = 60
            }
            let first = try await connectedClient(settings)
            let firstEvents = EventCollector(first.events)
            #expect(await eventually { !firstEvents.connects.isEmpty })
            #expect(firstEvents.connects.first?.sessionPresent == false)
            first.close()
            let second = try await connectedClient(settings)
            let secondEvents = EventCollector(second.events)
            defer { second.close() }
            #expect(await eventually { !secondEvents.connects.isEmpty })
            #expect(secondEvents.connects.first?.sessionPresent == true, "the broker should have kept the session for 60 s")
        }
    }
}
