import ArgumentParser
import Glibc
import HamletAgent
import MQTTTransport
import StreamFeatures

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

    var isEnabled: Bool { mqttHost != nil }

    func validate() throws {
        guard let mqttHost else {
            if !sensors.isEmpty { throw ValidationError("--sensor needs --mqtt-host HOST to say which broker to read from") }
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
    private func slot(_ text: String) throws -> SensorSlot {
        var topic = text
        var selector = SensorSlot.Selector.single
        if let colon = text.lastIndex(of: ":") {
            topic = String(text[..<colon])
            let field = String(text[text.index(after: colon)...])
            if field.isEmpty { throw ValidationError("--sensor \(text): the field after ':' is empty; give TOPIC or TOPIC:FIELD") }
            if format != .json { throw ValidationError("--sensor \(text): a :FIELD needs --sensor-format json") }
            selector = .field(field)
        }
        let filter: TopicFilter
        do {
            filter = try TopicFilter(topic)
        } catch {
            throw ValidationError("--sensor \(text): \(error)")
        }
        return SensorSlot(name: text, topic: filter, selector: selector, format: format ?? .json, maximumAgeSeconds: maxAge)
    }

    var clientID: String { mqttClientId ?? "hamlet-\(getpid())" }

    /// The source's settings; call after `validate()`.
    func sensorConfiguration() throws -> MQTTSensorConfiguration {
        MQTTSensorConfiguration(
            slots: try sensors.map(slot), stepping: stepPeriod.map { .periodic(seconds: $0) } ?? .perMessage)
    }

    /// The connection, with the outputs under the topic prefix; call after `validate()`.
    func link(log: @escaping @Sendable (String) -> Void) throws -> AgentMQTTLink {
        try AgentMQTTLink(
            configuration: MQTTConfiguration(host: mqttHost ?? "", port: mqttPort, clientID: clientID),
            topics: AgentTopics(prefix: topicPrefix ?? "hamlet/\(clientID)"), log: log)
    }
}
