import Testing

@testable import ControlPlane

@Suite("Reply text: deterministic key order")
struct ReplyTextTests {
    let request = ControlRequest(
        id: .string("r"), command: .setLearning(LearningChange(beta: 0.01)), route: ControlReplyRoute(topic: "t"))

    @Test func effectiveValuesNestAndSortByKeyPath() {
        let reply = ControlReply.ok(
            to: request,
            effective: [
                "learning.tau": .number(2), "learning.beta": .number(0.01), "model.gradient_mode": .string("traces"),
                "learning.eta": .number(0.5), "learning.paused": .bool(false), "outputs.prediction_every": .integer(4),
            ])
        #expect(
            reply.text
                == #"{"id":"r","command":"set-learning","ok":true,"effective":{"learning":{"beta":0.01,"eta":0.5,"paused":false,"tau":2},"model":{"gradient_mode":"traces"},"outputs":{"prediction_every":4}}}"#
        )
    }

    @Test func nonFiniteNumbersBecomeNullAndPrefixKeysGiveWay() {
        let reply = ControlReply.ok(
            to: request, effective: ["a": .number(.infinity), "b": .integer(1), "b.c": .number(1e-7)])
        #expect(reply.text == #"{"id":"r","command":"set-learning","ok":true,"effective":{"a":null,"b":{"c":1e-07}}}"#)
    }

    @Test func configIsEmbeddedCompactWithItsNumbersVerbatim() {
        let get = ControlRequest(id: .number(1), command: .getConfig, route: ControlReplyRoute(topic: "t"))
        let reply = ControlReply.config(
            to: get, configJSON: "{\n  \"learning\": {\"beta\": 1.50E-2, \"name\": \"é\\u00e9\"},\n  \"n\": [1, 2]\n}")
        #expect(
            reply.text
                == #"{"id":1,"command":"get-config","ok":true,"effective":{},"config":{"learning":{"beta":1.50E-2,"name":"éé"},"n":[1,2]}}"#
        )
    }

    @Test func statusIsEmbedded() {
        let get = ControlRequest(command: .getStatus, route: ControlReplyRoute(topic: "t"))
        #expect(
            ControlReply.status(to: get, statusJSON: #"{"step": 5, "paused": true}"#).text
                == #"{"command":"get-status","ok":true,"effective":{},"status":{"step":5,"paused":true}}"#)
    }

    @Test func invalidAgentDocumentIsAnInternalError() {
        let get = ControlRequest(command: .getConfig, route: ControlReplyRoute(topic: "t"))
        #expect(ControlReply.config(to: get, configJSON: "{oops").text.contains(#""code":"internal""#))
        #expect(ControlReply.config(to: get, configJSON: "[1]").text.contains(#""code":"internal""#))
    }

    @Test func agentErrors() {
        let reply = ControlReply.error(
            to: ControlRequest(id: .number(3), command: .checkpoint, route: ControlReplyRoute(topic: "t")),
            ControlError(.internal, "could not write /var/lib/hamlet/model.safetensors: No space left on device"))
        #expect(
            reply.text
                == #"{"id":3,"command":"checkpoint","ok":false,"error":{"code":"internal","message":"could not write /var/lib/hamlet/model.safetensors: No space left on device"}}"#
        )
    }
}
