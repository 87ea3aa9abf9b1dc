import Testing

@testable import ControlPlane

@Suite("JSON Schemas agree with the parser and the replies (checked by Python's jsonschema)")
struct SchemaTests {
    static let validRequests = [
        #"{"command": "get-config"}"#,
        #"{"id": "a", "command": "get-status"}"#,
        #"{"id": 3, "command": "pause"}"#,
        #"{"command": "resume"}"#,
        #"{"command": "reset-model"}"#,
        #"{"command": "reset-costates"}"#,
        #"{"command": "checkpoint"}"#,
        #"{"command": "set-learning", "beta": 0.01, "eta": 0, "phi": 0.1, "tau": 1, "gradient_mode": "traces"}"#,
        #"{"command": "set-learning", "gradient_mode": "costate"}"#,
        #"{"command": "set-detector", "detector": "cusum", "threshold": 5}"#,
        #"{"command": "set-detector", "detector": "adwin", "delta": 0.002}"#,
        #"{"command": "set-detector", "detector": "page-hinkley", "threshold": 50}"#,
        #"{"command": "set-detector", "detector": "anomaly-score", "threshold": 0.99}"#,
        #"{"command": "set-prediction-rate", "every": 10}"#,
        #"{"command": "set-prediction-rate", "max_rate_hz": 0}"#,
        #"{"command": "set-prediction-rate", "every": 2, "max_rate_hz": 1.5}"#,
    ]

    static let invalidRequests = [
        "{}", "[]", #"{"command": "reboot"}"#, #"{"command": "pause", "force": true}"#,
        #"{"command": "set-learning"}"#, #"{"command": "set-learning", "beta": 0}"#,
        #"{"command": "set-learning", "gradient_mode": "adjoint"}"#,
        #"{"command": "set-detector", "detector": "adwin", "threshold": 0.1}"#,
        #"{"command": "set-detector", "detector": "cusum", "delta": 0.1}"#,
        #"{"command": "set-detector", "detector": "anomaly-score", "threshold": 1}"#,
        #"{"command": "set-prediction-rate", "every": 0.5}"#, #"{"command": "set-prediction-rate"}"#,
        #"{"id": null, "command": "pause"}"#,
    ]

    @Test func validRequestsPassTheParserAndTheSchema() throws {
        for text in Self.validRequests { #expect(command(text) != nil, "\(text)") }
        let problems = try SchemaValidator.request.problems(in: Self.validRequests)
        for (text, problem) in zip(Self.validRequests, problems) {
            #expect(problem == nil, "\(text): \(problem ?? "")")
        }
    }

    @Test func invalidRequestsFailTheParserAndTheSchema() throws {
        for text in Self.invalidRequests { #expect(command(text) == nil, "\(text)") }
        let problems = try SchemaValidator.request.problems(in: Self.invalidRequests)
        for (text, problem) in zip(Self.invalidRequests, problems) {
            #expect(problem != nil, "\(text) passed the schema")
        }
    }

    @Test func repliesMatchTheReplySchema() throws {
        let requests = Self.validRequests + Self.invalidRequests + [#"{"id": 1, "command": 2}"#, "nope", ""]
        var replies = requests.map { reply(to: parse($0)).text }
        let checkpoint = ControlRequest(id: .string("c"), command: .checkpoint, route: ControlReplyRoute(topic: "t"))
        replies.append(
            ControlReply.ok(to: checkpoint, effective: ["checkpoint": .string("/p"), "step": .integer(123)]).text)
        replies.append(ControlReply.error(to: checkpoint, ControlError(.internal, "disk full")).text)
        replies.append(
            ControlReply.error(to: checkpoint, ControlError(.rejected, "already writing one", field: nil)).text)
        let problems = try SchemaValidator.reply.problems(in: replies)
        for (text, problem) in zip(replies, problems) { #expect(problem == nil, "\(text): \(problem ?? "")") }
    }

    @Test func invalidRepliesFailTheReplySchema() throws {
        let invalid = [
            #"{"command": "pause", "ok": true}"#,
            #"{"command": "pause", "ok": true, "effective": {}, "error": {"code": "internal", "message": "x"}}"#,
            #"{"command": "get-config", "ok": true, "effective": {}}"#,
            #"{"command": "pause", "ok": true, "effective": {}, "status": {}}"#,
            #"{"command": null, "ok": false, "error": {"code": "oops", "message": "x"}}"#,
            #"{"command": "pause", "ok": false, "error": {"code": "internal", "message": ""}}"#,
            #"{"command": "reboot", "ok": false, "error": {"code": "unknown-command", "message": "x"}}"#,
            #"{"id": null, "command": "pause", "ok": true, "effective": {}}"#,
        ]
        let problems = try SchemaValidator.reply.problems(in: invalid)
        for (text, problem) in zip(invalid, problems) { #expect(problem != nil, "\(text) passed the schema") }
    }
}
