import MQTTTransport
import Testing

@testable import ControlPlane

@Suite("Reply routes: MQTT 5 response topic or the default reply topic")
struct ReplyRouteTests {
    @Test func mqtt5ResponseTopicWithCorrelationData() throws {
        let correlation: [UInt8] = [0, 1, 0xFE, 0xFF]
        let properties = MQTTProperties(responseTopic: "operators/ana/replies", correlationData: correlation)
        let request = try parser.parse(message(#"{"id": 1, "command": "checkpoint"}"#, properties: properties)).get()
        #expect(request.route == ControlReplyRoute(topic: "operators/ana/replies", correlationData: correlation))
        let reply = ControlReply.ok(
            to: request, effective: ["checkpoint": .string("/var/lib/hamlet/c.safetensors"), "step": .integer(123)])
        let publication = reply.publication
        #expect(publication.topic == "operators/ana/replies")
        #expect(publication.properties == MQTTProperties(contentType: "application/json", correlationData: correlation))
        #expect(
            String(decoding: publication.payload, as: UTF8.self)
                == #"{"id":1,"command":"checkpoint","ok":true,"effective":{"checkpoint":"/var/lib/hamlet/c.safetensors","step":123}}"#
        )
    }

    @Test func mqtt5ResponseTopicWithoutCorrelationData() throws {
        let request = try parser.parse(
            message(#"{"command": "pause"}"#, properties: MQTTProperties(responseTopic: "r/1"))
        ).get()
        let publication = ControlReply.ok(to: request).publication
        #expect(publication.topic == "r/1")
        #expect(publication.properties == MQTTProperties(contentType: "application/json"))
    }

    @Test func mqtt311GoesToTheDefaultReplyTopic() throws {
        let request = try parse(#"{"id": "v3", "command": "resume"}"#).get()
        #expect(request.route == ControlReplyRoute(topic: "hamlet/pump-7/control/reply"))
        #expect(ControlReply.ok(to: request).publication.topic == "hamlet/pump-7/control/reply")
    }

    @Test func rejectionsAreRoutedLikeRequests() throws {
        let properties = MQTTProperties(responseTopic: "me/inbox", correlationData: [7])
        let rejection = try parser.parse(message("not json", properties: properties)).failureValue
        let publication = ControlReply.error(for: rejection).publication
        #expect(publication.topic == "me/inbox")
        #expect(publication.properties.correlationData == [7])
        #expect(publication.properties.contentType == "application/json")
    }

    @Test(arguments: ["me/+/inbox", "me/#", "#", "", "a\u{0}b"])
    func badResponseTopicRepliesOnTheDefaultTopic(topic: String) throws {
        let properties = MQTTProperties(responseTopic: topic, correlationData: [1, 2])
        let rejection = try parser.parse(message(#"{"id": 4, "command": "reset-model"}"#, properties: properties))
            .failureValue
        #expect(rejection.error.code == .invalidResponseTopic)
        #expect(rejection.id == .number(4))
        #expect(rejection.command == .resetModel)
        #expect(rejection.route == ControlReplyRoute(topic: "hamlet/pump-7/control/reply", correlationData: [1, 2]))
    }

    @Test func badResponseTopicWinsOverPayloadErrors() throws {
        let properties = MQTTProperties(responseTopic: "x/#")
        let rejection = try parser.parse(message(#"{"id": "z", "command": "nope"}"#, properties: properties))
            .failureValue
        #expect(rejection.error.code == .invalidResponseTopic)
        #expect(rejection.id == .string("z"))
    }
}
