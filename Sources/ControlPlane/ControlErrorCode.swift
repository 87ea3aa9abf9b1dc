/// What went wrong with a request, as the `error.code` of a reply.
public enum ControlErrorCode: String, Sendable, Hashable, CaseIterable {
    /// Not JSON, not UTF-8, empty, nested too deep, or a field given twice.
    case invalidJSON = "invalid-json"
    /// Valid JSON, but not an object.
    case notAnObject = "not-an-object"
    /// Larger than `ControlRequestParser.maximumPayloadBytes`.
    case tooLarge = "too-large"
    case unknownCommand = "unknown-command"
    case missingField = "missing-field"
    case unknownField = "unknown-field"
    case wrongType = "wrong-type"
    case outOfRange = "out-of-range"
    /// The MQTT 5 response topic is empty or holds a wildcard; the reply goes to the default topic.
    case invalidResponseTopic = "invalid-response-topic"
    /// The agent declined the command (e.g. a retained request, or one it cannot apply now).
    case rejected
    /// The agent failed while carrying out the command (e.g. the checkpoint could not be written).
    case `internal`
}
