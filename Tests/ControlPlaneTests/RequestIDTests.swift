import Testing

@testable import ControlPlane

@Suite("Request ids are echoed, also on errors")
struct RequestIDTests {
    @Test(arguments: [
        (#"{"id": "a-1", "command": "pause"}"#, #"{"id":"a-1","command":"pause","ok":true,"effective":{"learning":{"paused":true}}}"#),
        (#"{"id": 42, "command": "pause"}"#, #"{"id":42,"command":"pause","ok":true,"effective":{"learning":{"paused":true}}}"#),
        (#"{"id": -7.5, "command": "pause"}"#, #"{"id":-7.5,"command":"pause","ok":true,"effective":{"learning":{"paused":true}}}"#),
        (#"{"id": 1e3, "command": "pause"}"#, #"{"id":1000,"command":"pause","ok":true,"effective":{"learning":{"paused":true}}}"#),
        (#"{"command": "pause", "id": "q\"\n"}"#, #"{"id":"q\"\n","command":"pause","ok":true,"effective":{"learning":{"paused":true}}}"#),
        (#"{"command": "pause"}"#, #"{"command":"pause","ok":true,"effective":{"learning":{"paused":true}}}"#),
    ])
    func echoedOnSuccess(text: String, expected: String) {
        #expect(reply(to: parse(text)).text == expected)
    }

    @Test(arguments: [
        (
            #"{"id": "s", "command": "set-learning", "beta": -1}"#, ControlRequestID.string("s"),
            ControlCommandName?.some(.setLearning)
        ),
        (#"{"id": 9, "command": "teleport"}"#, .number(9), nil),
        (#"{"command": "pause", "bogus": 1, "id": 3}"#, .number(3), .pause),
        (#"{"id": "x", "command": "pause", "command": "resume"}"#, nil, nil),
        (#"{"id": "early", "command": 5}"#, .string("early"), nil),
    ])
    func echoedOnError(text: String, id: ControlRequestID?, command: ControlCommandName?) throws {
        let rejection = try #require(rejected(text))
        #expect(rejection.id == id)
        #expect(rejection.command == command)
        let replyText = ControlReply.error(for: rejection).text
        #expect(replyText.hasPrefix("{" + (id.map { "\"id\":\($0.jsonText)," } ?? "")))
        #expect(replyText.contains(#""ok":false"#))
    }

    @Test func errorReplyTextIsExact() {
        #expect(
            reply(to: parse(#"{"id": "s", "command": "set-detector", "detector": "adwin", "delta": 2}"#)).text
                == #"{"id":"s","command":"set-detector","ok":false,"error":{"code":"out-of-range","message":"delta must be a finite number between 0 and 1 (exclusive) (got 2)","field":"delta"}}"#
        )
        #expect(
            reply(to: parse("[1]")).text
                == #"{"command":null,"ok":false,"error":{"code":"not-an-object","message":"the request is an array; send a JSON object such as {\"command\": \"get-status\"}"}}"#
        )
    }
}
