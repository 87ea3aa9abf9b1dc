import JSONText
import MQTTTransport

/// Turns a message on `<prefix>/control` into a request, or into a rejection that still knows
/// where to reply and what id to echo, so every request gets an answer. Call from any thread.
public struct ControlRequestParser: Sendable {
    /// Larger payloads are rejected unread (`too-large`).
    public static let maximumPayloadBytes = 16 * 1024
    /// Requests are flat; deeper nesting is refused before it can cost stack.
    static let maximumDepth = 32

    /// The agent's topic prefix, e.g. `hamlet/pump-7`.
    public let topicPrefix: String

    public init(topicPrefix: String) {
        self.topicPrefix = topicPrefix
    }

    /// Where requests arrive: `<prefix>/control`.
    public var requestTopic: String { topicPrefix + "/control" }
    /// Where replies go without an MQTT 5 response topic: `<prefix>/control/reply`.
    public var defaultReplyTopic: String { topicPrefix + "/control/reply" }

    /// The request `message` holds, or why it cannot be carried out.
    public func parse(_ message: MQTTMessage) -> Result<ControlRequest, ControlRejection> {
        let (route, routeProblem) = ControlReplyRoute.resolve(message, defaultTopic: defaultReplyTopic)
        var id: ControlRequestID?
        var name: ControlCommandName?
        let command = Self.read(message.payload, id: &id, name: &name)
        let problem: ControlError? =
            if let routeProblem {
                routeProblem
            } else if message.retain {
                // A retained command would run again on every reconnect.
                ControlError(
                    .rejected,
                    "retained requests are not carried out (they would rerun on every reconnect); publish "
                        + "without retain, and clear this one with: mosquitto_pub -r -n -t \(message.topic)")
            } else {
                nil
            }
        switch (command, problem) {
        case (.success(let command), nil):
            return .success(ControlRequest(id: id, command: command, route: route))
        case (_, let problem?), (.failure(let problem), nil):
            return .failure(ControlRejection(id: id, command: name, route: route, error: problem))
        }
    }

    /// The command in `payload`; sets `id` and `name` as soon as they are read, even when a
    /// later check fails.
    private static func read(
        _ payload: [UInt8], id: inout ControlRequestID?, name: inout ControlCommandName?
    ) -> Result<ControlCommand, ControlError> {
        guard payload.count <= maximumPayloadBytes else {
            return .failure(
                ControlError(
                    .tooLarge, "the request is \(payload.count) bytes; send at most \(maximumPayloadBytes) bytes"))
        }
        guard payload.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return .failure(ControlError(.invalidJSON, "the request is empty; send a JSON object such as \(example)"))
        }
        guard String(validating: payload, as: UTF8.self) != nil else {
            return .failure(ControlError(.invalidJSON, "the request is not valid UTF-8; send JSON text in UTF-8"))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(payload, maximumDepth: maximumDepth)
        } catch {
            return .failure(
                ControlError(
                    .invalidJSON, "invalid JSON at byte \(error.offset): \(error.message)", field: error.duplicateKey))
        }
        guard case .object(let members) = value else {
            return .failure(
                ControlError(.notAnObject, "the request is \(value.kind); send a JSON object such as \(example)"))
        }
        if let given = members.first(where: { $0.key == "id" })?.value {
            switch given {
            case .string(let text): id = .string(text)
            case .number(let literal):
                guard let number = Double(literal), number.isFinite else {
                    return .failure(
                        ControlError(
                            .outOfRange, "id must be a finite number (got \(MessageText.cut(literal)))", field: "id"))
                }
                id = .number(number)
            default:
                return .failure(
                    ControlError(.wrongType, "id must be a string or a number, not \(given.kind)", field: "id"))
            }
        }
        guard let given = members.first(where: { $0.key == "command" })?.value else {
            return .failure(
                ControlError(.missingField, "the request needs \"command\", e.g. \(example)", field: "command"))
        }
        let names = CommandArguments.list(ControlCommandName.allCases.map(\.rawValue))
        guard case .string(let text) = given else {
            return .failure(
                ControlError(
                    .wrongType, "command must be a string, one of \(names), not \(given.kind)", field: "command"))
        }
        guard let known = ControlCommandName(rawValue: text) else {
            return .failure(
                ControlError(
                    .unknownCommand, "unknown command \(MessageText.quoted(text)); use one of \(names)",
                    field: "command"))
        }
        name = known
        do {
            return .success(try ControlCommand.parse(known, CommandArguments(members: members, command: known)))
        } catch {
            return .failure(error)
        }
    }

    private static let example = #"{"command": "get-status"}"#
}
