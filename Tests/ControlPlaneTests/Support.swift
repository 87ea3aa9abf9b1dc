import MQTTTransport

@testable import ControlPlane

let prefix = "hamlet/pump-7"
let parser = ControlRequestParser(topicPrefix: prefix)

/// A control message as an MQTT 3.1.1 client sends it (no properties).
func message(_ text: String, properties: MQTTProperties = .init(), retain: Bool = false) -> MQTTMessage {
    MQTTMessage(
        topic: prefix + "/control", payload: Array(text.utf8), qos: .atLeastOnce, retain: retain, properties: properties
    )
}

func parse(_ text: String) -> Result<ControlRequest, ControlRejection> {
    parser.parse(message(text))
}

/// The command in `text`, or nil when it was rejected.
func command(_ text: String) -> ControlCommand? {
    try? parse(text).get().command
}

/// The error `text` is rejected with, or nil when it was accepted.
func rejected(_ text: String) -> ControlRejection? {
    if case .failure(let rejection) = parse(text) { rejection } else { nil }
}

/// The reply a minimal agent sends: queries answered with small documents, settings echoed.
func reply(to parsed: Result<ControlRequest, ControlRejection>) -> ControlReply {
    switch parsed {
    case .failure(let rejection): return .error(for: rejection)
    case .success(let request):
        switch request.command {
        case .getConfig: return .config(to: request, configJSON: #"{"learning": {"beta": 0.01}}"#)
        case .getStatus: return .status(to: request, statusJSON: #"{"step": 12, "paused": false}"#)
        default:
            return .ok(
                to: request,
                effective: Dictionary(
                    uniqueKeysWithValues: request.command.overrides.map { ($0.key.rawValue, $0.value) }))
        }
    }
}

enum MQTTMessageFixture {
    /// A control message with these exact payload bytes.
    static func bytes(_ payload: [UInt8]) -> MQTTMessage {
        MQTTMessage(topic: prefix + "/control", payload: payload, qos: .atLeastOnce, retain: false)
    }
}
