import ArgumentParser
import Glibc
import HamletAgent
import MQTTTransport
import StreamFeatures
import Logging

/// `hamlet learn`'s MQTT input (sensor topics) and outputs (predictions, alerts, errors, status).
struct MQTTOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Learn from MQTT sensor topics on this broker and publish the outputs there.", valueName: "host"))
    var mqttHost: String?

    @Option(help: "MQTT broker port.")
    var mqttPort: Int = 1883

    @Option(help: ArgumentHelp("MQTT client id (default: hamlet-<pid>).", valueName: "id"))
    var mqttClientId: String?

    @Option(
        name: .customLong("sensor"),
        help: ArgumentHelp(
            "An input slot: a topic or wildcard filter, optionally :FIELD to read that field of a JSON object. Repeat per slot.",
            valueName: "topic[:field]"))
    var sensors: [String] = []

    @Option(help: ArgumentHelp("Sensor payloads: json, csv or float32 (little-endian).", valueName: "format"))
    var sensorFormat: String = "json"

    @Option(help: ArgumentHelp(
        "The JSON field dating each sensor message: seconds since the epoch or a date and time such as "
            + "\"2014-04-01 00:00:00\" (UTC unless a zone is given). Default arrival: when the message arrives. "
            + "A record's time is its newest message's; a forecast takes the time of day and week as inputs.",
        valueName: "name"))
    var timeField: String?

    @Option(help: ArgumentHelp("A sensor value older than this many seconds counts as stale.", valueName: "seconds"))
    var maxAge: Double = 10

    @Option(help: ArgumentHelp(
        "One learning step per period, from the latest values (default: one step per sensor message).",
        valueName: "seconds"))
    var stepPeriod: Double?

    @Option(help: ArgumentHelp("Publish at most this many predictions per second (0: unlimited).", valueName: "hz"))
    var predictionMaxRate: Double = 0

    @Option(help: ArgumentHelp("Topic prefix of the outputs (default: hamlet/<client id>).", valueName: "prefix"))
    var topicPrefix: String?

    @Option(help: ArgumentHelp("Publish every k-th prediction (alerts always).", valueName: "k"))
    var publishEvery: Int = 1

    /// How a late target finds its step.
    enum JoinKind: String, ExpressibleByArgument, CaseIterable { case sequence, timestamp }

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "A supervised target on its own topic (JSON), optionally :FIELD; it may come late and is joined to its step "
                + "(see --join). Regress: one per target value; classify: one, the class index.",
            valueName: "topic[:field]"))
    var targetTopics: [String] = []

    @Option(help: ArgumentHelp(
        "How a --target finds its step: sequence (a number field in the sensor and target messages; default) or "
            + "timestamp (their payload timestamps, within --join-tolerance).",
        valueName: "key"))
    var join: JoinKind?

    @Option(help: ArgumentHelp("--join sequence: the JSON field holding the sequence number (default seq).", valueName: "name"))
    var sequenceField: String?

    @Option(help: ArgumentHelp(
        "--join timestamp: the JSON field holding seconds since the epoch (default ts).", valueName: "name"))
    var timestampField: String?

    @Option(help: ArgumentHelp(
        "--join timestamp: a target joins the nearest step within this many seconds (default 0.1).", valueName: "seconds"))
    var joinTolerance: Double?

    @Option(help: ArgumentHelp(
        "Steps remembered for late targets; a target for an older step misses as too old (default 1024).", valueName: "n"))
    var joinWindow: Int?

    var isEnabled: Bool { mqttHost != nil }

    /// True when targets come on their own topics and are joined to their steps.
    var hasLateTargets: Bool { !targetTopics.isEmpty }

    func validate() throws {
        if targetTopics.isEmpty,
            join != nil || sequenceField != nil || timestampField != nil || joinTolerance != nil || joinWindow != nil
        {
            throw ValidationError(
                "--join, --sequence-field, --timestamp-field, --join-tolerance and --join-window need --target TOPIC[:FIELD]")
        }
        guard let mqttHost else {
            if !sensors.isEmpty { throw ValidationError("--sensor needs --mqtt-host HOST to say which broker to read from") }
            if hasLateTargets { throw ValidationError("--target needs --mqtt-host HOST: targets come on their own MQTT topic") }
            if timeField != nil { throw ValidationError("--time-field needs --mqtt-host HOST; a file's time is its timestamp column") }
            if topicPrefix != nil || mqttClientId != nil {
                throw ValidationError("--topic-prefix and --mqtt-client-id need --mqtt-host HOST")
            }
            return
        }
        if mqttHost.isEmpty { throw ValidationError("--mqtt-host is empty; give the broker's host name or address") }
        if !(1...65535).contains(mqttPort) { throw ValidationError("--mqtt-port must be in 1…65535, got \(mqttPort)") }
        if sensors.isEmpty {
            throw ValidationError("--mqtt-host needs at least one --sensor TOPIC[:FIELD] to learn from")
        }
        if format == nil { throw ValidationError("--sensor-format must be json, csv or float32, got \"\(sensorFormat)\"") }
        if let field = recordTime.field {
            if format != .json { throw ValidationError("--time-field \(field) reads a JSON field, so --sensor-format must be json") }
            if let sensor = sensors.first(where: { $0.hasSuffix(":" + field) }) {
                throw ValidationError("--time-field \(field) is the value field of --sensor \(sensor); a field is a value or the time")
            }
        }
        if !(maxAge > 0) || !maxAge.isFinite { throw ValidationError("--max-age must be a positive number of seconds") }
        if let stepPeriod, !(stepPeriod > 0) || !stepPeriod.isFinite {
            throw ValidationError("--step-period must be a positive number of seconds")
        }
        if publishEvery < 1 { throw ValidationError("--publish-every must be at least 1") }
        if !(predictionMaxRate >= 0) || !predictionMaxRate.isFinite {
            throw ValidationError("--prediction-max-rate must be 0 (unlimited) or a positive number per second")
        }
        if let topicPrefix, topicPrefix.isEmpty || topicPrefix.contains("+") || topicPrefix.contains("#") {
            throw ValidationError("--topic-prefix must be non-empty and without the wildcards + and #")
        }
        var names = Set<String>()
        for sensor in sensors {
            let slot = try slot(sensor)
            if !names.insert(slot.name).inserted { throw ValidationError("--sensor \(sensor) is given twice") }
        }
        if hasLateTargets { try validateTargets(sensorNames: names) }
    }

    private func validateTargets(sensorNames: Set<String>) throws {
        if format != .json {
            throw ValidationError("--target joins by a JSON field of the sensor messages, so --sensor-format must be json")
        }
        switch join ?? .sequence {
        case .sequence:
            if stepPeriod != nil {
                throw ValidationError(
                    "--join sequence takes one step per sequence number; drop --step-period, or use --join timestamp")
            }
            if timestampField != nil || joinTolerance != nil {
                throw ValidationError("--timestamp-field and --join-tolerance are for --join timestamp")
            }
        case .timestamp:
            if sequenceField != nil { throw ValidationError("--sequence-field is for --join sequence") }
        }
        if let field = sequenceField ?? timestampField, field.isEmpty {
            throw ValidationError("the join field name is empty; give the JSON field that holds the key")
        }
        if let joinTolerance, !(joinTolerance >= 0) || !joinTolerance.isFinite {
            throw ValidationError("--join-tolerance must be a finite number of seconds ≥ 0")
        }
        if let joinWindow, !(1...10_000_000).contains(joinWindow) {
            throw ValidationError("--join-window must be in 1…10000000 steps, got \(joinWindow)")
        }
        var names = Set<String>()
        for target in targetTopics {
            let slot = try slot(target, option: "--target")
            if sensorNames.contains(slot.name) { throw ValidationError("--target \(target) is also a --sensor; a value is one or the other") }
            if !names.insert(slot.name).inserted { throw ValidationError("--target \(target) is given twice") }
        }
    }

    private var format: SensorPayloadFormat? {
        switch sensorFormat {
        case "json": .json
        case "csv": .csv
        case "float32": .float32LittleEndian
        default: nil
        }
    }

    /// `TOPIC[:FIELD]`, split at the last colon; a field needs the json format.
    private func slot(_ text: String, option: String = "--sensor") throws -> SensorSlot {
        var topic = text
        var selector = SensorSlot.Selector.single
        if let colon = text.lastIndex(of: ":") {
            topic = String(text[..<colon])
            let field = String(text[text.index(after: colon)...])
            if field.isEmpty { throw ValidationError("\(option) \(text): the field after ':' is empty; give TOPIC or TOPIC:FIELD") }
            if format != .json { throw ValidationError("\(option) \(text): a :FIELD needs --sensor-format json") }
            selector = .field(field)
        }
        let filter: TopicFilter
        do {
            filter = try TopicFilter(topic)
        } catch {
            throw ValidationError("\(option) \(text): \(error)")
        }
        return SensorSlot(name: text, topic: filter, selector: selector, format: format ?? .json, maximumAgeSeconds: maxAge)
    }

    /// Where records' times come from: `--time-field`, or when messages arrive.
    private var recordTime: MQTTSensorConfiguration.RecordTime { MQTTSensorConfiguration.RecordTime(setting: timeField ?? "") }

    var clientID: String { mqttClientId ?? "hamlet-\(getpid())" }

    /// The source's settings; call after `validate()`. `classCount`: classify's K, when known.
    func sensorConfiguration(classCount: Int? = nil) throws -> MQTTSensorConfiguration {
        var targets: MQTTTargetConfiguration?
        if hasLateTargets {
            let key: MQTTTargetConfiguration.Join =
                switch join ?? .sequence {
                case .sequence: .sequence(field: sequenceField ?? "seq")
                case .timestamp: .timestamp(field: timestampField ?? "ts", toleranceSeconds: joinTolerance ?? 0.1)
                }
            targets = MQTTTargetConfiguration(
                slots: try targetTopics.map { try slot($0, option: "--target") }, join: key, windowSteps: joinWindow ?? 1024,
                classCount: classCount)
        }
        return MQTTSensorConfiguration(
            slots: try sensors.map { try slot($0) }, stepping: stepPeriod.map { .periodic(seconds: $0) } ?? .perMessage,
            targets: targets, time: recordTime)
    }

    /// The connection, with the outputs under the topic prefix; call after `validate()`.
    func link(logger: Logger) throws -> AgentMQTTLink {
        try AgentMQTTLink(
            configuration: MQTTConfiguration(host: mqttHost ?? "", port: mqttPort, clientID: clientID),
            topics: AgentTopics(prefix: topicPrefix ?? "hamlet/\(clientID)"), logger: logger)
    }
}
