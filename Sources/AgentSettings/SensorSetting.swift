import JSONText
import StreamFeatures

/// `source.mqtt.sensors`: a list of `{topic: FILTER, field: NAME}` mappings.
enum SensorSetting {
    typealias Sensor = AgentConfiguration.Source.MQTTInput.Sensor

    static let keys = ["topic", "field"]

    static func decode(_ input: SettingInput) -> Result<Sensor, SettingProblems> {
        guard case .mapping(let entries) = input.value else {
            return .failure(
                SettingProblems(
                    line: input.line,
                    "must be a mapping such as {topic: \"plant/+/temp\", field: value}, got \(input.shownValue)"))
        }
        var topic: String?
        var field: String?
        var problems: [SettingProblem] = []
        for entry in entries {
            switch entry.key {
            case "topic", "field":
                switch SettingDecoding.text(entry.value) {
                case .success(let text):
                    if entry.key == "topic" {
                        topic = text
                        if let message = topicProblem(text) {
                            problems.append(SettingProblem(suffix: ".topic", line: entry.value.line, message))
                        }
                    } else if case .null = entry.value.value {
                        field = nil
                    } else {
                        field = text
                    }
                case .failure(let failure):
                    problems += failure.problems.map { SettingProblem(suffix: "." + entry.key, line: $0.line, $0.message) }
                }
            default:
                var message = "is not a sensor key; a sensor has topic and field"
                if let near = NearestName.suggestion(for: entry.key, among: keys) { message = "unknown key; did you mean \(near)?" }
                problems.append(SettingProblem(suffix: "." + entry.key, line: entry.value.line, message))
            }
        }
        if topic == nil && !problems.contains(where: { $0.suffix == ".topic" }) {
            problems.append(SettingProblem(line: input.line, "needs a topic, such as topic: \"plant/+/temp\""))
        }
        guard let topic, problems.isEmpty else { return .failure(SettingProblems(problems)) }
        return .success(Sensor(topic: topic, field: field))
    }

    /// Topics must be valid MQTT filters, fields non-empty, and no sensor may repeat another.
    static func check(_ sensors: [Sensor]) -> [SettingProblem] {
        var problems: [SettingProblem] = []
        for (index, sensor) in sensors.enumerated() {
            if let message = topicProblem(sensor.topic) {
                problems.append(SettingProblem(suffix: "[\(index)].topic", message))
            }
            if let field = sensor.field, let tooLong = ValueRules.length(atMost: 1024)(field) {
                problems.append(SettingProblem(suffix: "[\(index)].field", tooLong))
            }
            if sensor.field == "" {
                problems.append(
                    SettingProblem(suffix: "[\(index)].field", "is empty; name the JSON field, or remove field to read the whole payload"))
            }
            if let first = sensors[..<index].firstIndex(of: sensor) {
                problems.append(
                    SettingProblem(suffix: "[\(index)]", "repeats sensor [\(first)]; each sensor must be a distinct input slot"))
            }
        }
        return problems
    }

    /// Why `topic` is not a valid MQTT topic filter, or nil.
    private static func topicProblem(_ topic: String) -> String? {
        if let tooLong = ValueRules.length(atMost: 1024)(topic) { return tooLong }
        do {
            _ = try TopicFilter(topic)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func json(_ sensors: [Sensor]) -> JSONValue {
        .array(
            sensors.map { sensor in
                var members = [JSONMember(key: "topic", value: .string(sensor.topic))]
                if let field = sensor.field { members.append(JSONMember(key: "field", value: .string(field))) }
                return .object(members)
            })
    }
}
