import JSONText
import MQTTTransport

/// The answer to one control request: its JSON text and where it goes.
///
/// The text is `{"id":…,"command":…,"ok":true,"effective":{…}}` (plus `"config"` or `"status"`
/// for the queries) or `{"id":…,"command":…,"ok":false,"error":{"code":…,"message":…,"field":…}}`,
/// keys always in that order and nested keys sorted, so equal replies are equal text. `id` is
/// present only when the request gave one; `command` is null when it could not be read.
public struct ControlReply: Sendable, Equatable {
    public let route: ControlReplyRoute
    /// The reply as compact JSON text.
    public let text: String

    private init(route: ControlReplyRoute, text: String) {
        self.route = route
        self.text = text
    }

    /// The reply as UTF-8 bytes.
    public var payload: [UInt8] { Array(text.utf8) }

    /// What to publish: topic, payload and properties (content type, correlation data).
    public var publication: (topic: String, payload: [UInt8], properties: MQTTProperties) {
        route.publication(payload: payload)
    }

    /// Success. `effective` maps dotted key paths to the values now in force, nested in the text:
    /// `["learning.beta": .number(0.01)]` becomes `"effective":{"learning":{"beta":0.01}}`. A key
    /// that is also the prefix of another (`a` beside `a.b`) is dropped for the nested one.
    public static func ok(to request: ControlRequest, effective: [String: ControlValue] = [:]) -> ControlReply {
        success(to: request, effective: effective, document: nil)
    }

    /// Success of `get-config`: `configJSON` (a JSON object, the effective configuration) is
    /// embedded as `"config"`. Invalid JSON or a non-object gives an `internal` error reply instead.
    public static func config(to request: ControlRequest, configJSON: String) -> ControlReply {
        embedding(configJSON, as: "config", to: request)
    }

    /// Success of `get-status`: `statusJSON` (a JSON object) is embedded as `"status"`. Invalid JSON
    /// or a non-object gives an `internal` error reply instead.
    public static func status(to request: ControlRequest, statusJSON: String) -> ControlReply {
        embedding(statusJSON, as: "status", to: request)
    }

    /// Failure of a valid request the agent could not carry out (usually `rejected` or `internal`).
    public static func error(to request: ControlRequest, _ error: ControlError) -> ControlReply {
        failure(id: request.id, command: request.command.name, route: request.route, error: error)
    }

    /// The answer to a request the parser refused.
    public static func error(for rejection: ControlRejection) -> ControlReply {
        failure(id: rejection.id, command: rejection.command, route: rejection.route, error: rejection.error)
    }

    // Documents from the agent may nest more than requests, but are still bounded so that a
    // runaway document gives an error rather than a deep recursion.
    private static let maximumDocumentDepth = 64

    private static func embedding(_ json: String, as key: String, to request: ControlRequest) -> ControlReply {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(json.utf8), maximumDepth: maximumDocumentDepth)
        } catch {
            return Self.error(
                to: request,
                ControlError(
                    .internal, "the agent produced invalid \(key) JSON (byte \(error.offset): \(error.message))"))
        }
        guard case .object = value else {
            return Self.error(
                to: request, ControlError(.internal, "the agent produced \(value.kind) as \(key), not an object"))
        }
        return success(to: request, effective: [:], document: (key, value))
    }

    private static func success(
        to request: ControlRequest, effective: [String: ControlValue], document: (key: String, value: JSONValue)?
    ) -> ControlReply {
        var text = head(id: request.id, command: request.command.name) + "\"ok\":true,\"effective\":"
        EffectiveTree(effective).write(to: &text)
        if let document {
            text += "," + JSONText.string(document.key) + ":"
            document.value.write(to: &text)
        }
        return ControlReply(route: request.route, text: text + "}")
    }

    private static func failure(
        id: ControlRequestID?, command: ControlCommandName?, route: ControlReplyRoute, error: ControlError
    ) -> ControlReply {
        var text = head(id: id, command: command) + "\"ok\":false,\"error\":{\"code\":"
        text += JSONText.string(error.code.rawValue) + ",\"message\":" + JSONText.string(error.message)
        if let field = error.field { text += ",\"field\":" + JSONText.string(field) }
        return ControlReply(route: route, text: text + "}}")
    }

    private static func head(id: ControlRequestID?, command: ControlCommandName?) -> String {
        var text = "{"
        if let id { text += "\"id\":" + id.jsonText + "," }
        return text + "\"command\":" + (command.map { JSONText.string($0.rawValue) } ?? "null") + ","
    }
}
