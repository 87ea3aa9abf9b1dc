import JSONText
import MQTTTransport
import SeededRandom
import Testing

@testable import ControlPlane

@Suite("Seeded fuzzing: every payload gets a reply, and parser and schema agree")
struct FuzzTests {
    static let corpus: [String] =
        SchemaTests.validRequests + SchemaTests.invalidRequests + [
            #"{"id": "é\u00e9\ud83d\ude00", "command": "pause"}"#, #"{"command": "set-learning", "beta": -0.0e+5}"#,
        ]

    static let keys: [String] = [
        "id", "command", "beta", "eta", "phi", "tau", "gradient_mode", "detector", "threshold", "delta", "every",
        "max_rate_hz", "x",
    ]
    static let words: [String] =
        ControlCommandName.allCases.map(\.rawValue) + [
            "traces", "costate", "cusum", "adwin", "page-hinkley", "anomaly-score", "", "PAUSE",
        ]

    /// A random byte string: mutated requests, random bytes, deep nesting, huge, broken UTF-8,
    /// or a well-formed object (`isStructured`).
    static func payload(_ random: inout SplitMix64) -> (bytes: [UInt8], isStructured: Bool) {
        let kind = Int.random(in: 0..<8, using: &random)
        return (bytes(kind, &random), kind >= 6)
    }

    static func bytes(_ kind: Int, _ random: inout SplitMix64) -> [UInt8] {
        switch kind {
        case 0:
            return (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 1:
            let depth = Int.random(in: 1...17_000, using: &random)
            let open = String(repeating: "[", count: depth)
            return Array((Bool.random(using: &random) ? open + String(repeating: "]", count: depth) : open).utf8)
        case 2:
            let inner = String(repeating: #"{"a":"#, count: Int.random(in: 1...100, using: &random))
            return Array((#"{"command":"pause","x":"# + inner + "1" + String(repeating: "}", count: 60)).utf8)
        case 3:
            let size = ControlRequestParser.maximumPayloadBytes + Int.random(in: -2...100_000, using: &random)
            return Array(#"{"command":"pause","x":""#.utf8) + [UInt8](repeating: 0x61, count: max(0, size))
                + Array(#""}"#.utf8)
        case 4, 5:
            var bytes = Array(corpus.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) { mutate(&bytes, &random) }
            return bytes
        default: return Array(structured(&random).utf8)
        }
    }

    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        let interesting: [UInt8] = [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x80, 0xC0, 0xED, 0xF5, 0xFF]
        switch Int.random(in: 0..<5, using: &random) {
        case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 1: bytes.insert(interesting.randomElement(using: &random)!, at: position)
        case 2 where !bytes.isEmpty: bytes.remove(at: position)
        case 3: bytes = Array(bytes[..<position])
        default:
            let end = min(bytes.count, position + Int.random(in: 0...8, using: &random))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        }
    }

    /// A random, well-formed JSON object built mostly from one command's own fields, so that
    /// both acceptance and every validation path are reached; no duplicate keys, finite
    /// numbers, shallow.
    static func structured(_ random: inout SplitMix64) -> String {
        let name = ControlCommandName.allCases.randomElement(using: &random)!
        let fields: [String] =
            switch name {
            case .setLearning: ["beta", "eta", "phi", "tau", "gradient_mode"]
            case .setDetector: ["detector", "detector", "threshold", "delta"]
            case .setPredictionRate: ["every", "max_rate_hz"]
            default: []
            }
        var chosen: [String: String] = [:]
        if Int.random(in: 0..<10, using: &random) > 0 {
            chosen["command"] =
                Int.random(in: 0..<8, using: &random) > 0 ? JSONText.string(name.rawValue) : value(&random)
        }
        if Bool.random(using: &random) { chosen["id"] = Bool.random(using: &random) ? #""op-1""# : "17" }
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let key =
                Int.random(in: 0..<10, using: &random) > 0 || fields.isEmpty
                ? (fields.randomElement(using: &random) ?? keys.randomElement(using: &random)!)
                : keys.randomElement(using: &random)!
            chosen[key] = plausible(for: key, &random)
        }
        let members = chosen.keys.sorted().shuffled(using: &random).map { JSONText.string($0) + ":" + chosen[$0]! }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Mostly a value of the right kind for `key`, sometimes anything.
    static func plausible(for key: String, _ random: inout SplitMix64) -> String {
        guard Int.random(in: 0..<4, using: &random) > 0 else { return value(&random) }
        switch key {
        case "gradient_mode": return JSONText.string(["traces", "costate", "adjoint"].randomElement(using: &random)!)
        case "detector":
            return JSONText.string(
                ["cusum", "adwin", "page-hinkley", "anomaly-score", "kswin"].randomElement(using: &random)!)
        default: return number(&random)
        }
    }

    static func number(_ random: inout SplitMix64) -> String {
        ["-1", "0", "0.5", "1", "2", "2.5", "1e-3", "1E+2", "3000000000", "-0.0", "0.999"].randomElement(
            using: &random)!
    }

    static func value(_ random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: ["null", "true", "[]", "{}", #""3""#].randomElement(using: &random)!
        case 1: number(&random)
        default: JSONText.string(words.randomElement(using: &random)!)
        }
    }

    @Test func thousandsOfPayloadsAllGetAValidReply() throws {
        var random = SplitMix64(seed: 0x4841_4D4C_4554)
        let topics: [String?] = [nil, nil, "me/inbox", "me/+", "#", ""]
        var replies: [String] = []
        var parsedStructured: [(text: String, accepted: Bool)] = []
        for _ in 0..<4000 {
            let (bytes, isStructured) = Self.payload(&random)
            let properties = MQTTProperties(
                responseTopic: topics.randomElement(using: &random)!,
                correlationData: Bool.random(using: &random) ? [UInt8.random(in: 0...255, using: &random)] : nil)
            let parsed = parser.parse(
                MQTTMessage(
                    topic: "hamlet/pump-7/control", payload: bytes, qos: .atMostOnce, retain: false,
                    properties: properties))
            let answer = reply(to: parsed)
            let document = try JSONParser.parse(answer.payload, maximumDepth: 8)
            guard case .object(let members) = document else {
                Issue.record("reply is not an object: \(answer.text)")
                continue
            }
            #expect(members.contains { $0.key == "ok" })
            #expect(answer.payload.count < 4096, "replies stay small: \(answer.text.prefix(200))")
            if case .failure(let rejection) = parsed, rejection.error.code == .invalidResponseTopic {
                #expect(answer.route.topic == parser.defaultReplyTopic)
            }
            replies.append(answer.text)
            if isStructured,
                properties.responseTopic.map({ !$0.isEmpty && !$0.contains("+") && !$0.contains("#") }) ?? true
            {
                parsedStructured.append((String(decoding: bytes, as: UTF8.self), (try? parsed.get()) != nil))
            }
        }
        let problems = try SchemaValidator.reply.problems(in: replies)
        for (text, problem) in zip(replies, problems) where problem != nil {
            Issue.record("\(text.prefix(300)): \(problem!)")
        }
        // On well-formed objects the parser accepts exactly what the request schema accepts.
        #expect(parsedStructured.count > 500)
        let accepted = parsedStructured.count { $0.accepted }
        #expect(
            accepted > 50 && parsedStructured.count - accepted > 50,
            "both outcomes are exercised (\(accepted) accepted)")
        let verdicts = try SchemaValidator.request.problems(in: parsedStructured.map(\.text))
        for (request, verdict) in zip(parsedStructured, verdicts) where request.accepted != (verdict == nil) {
            Issue.record(
                "parser \(request.accepted ? "accepted" : "rejected") but schema said \(verdict ?? "valid"): \(request.text)"
            )
        }
    }
}
