import JSONText
/// Rules between settings, checked on the effective configuration once every value is in range.
enum CrossSettingRules {
    static func problems(
        of c: AgentConfiguration, alreadyFound: [ConfigurationProblem], builder: ConfigurationBuilder
    ) -> [ConfigurationProblem] {
        var found: [ConfigurationProblem] = []
        func hasProblem(under path: String) -> Bool {
            (alreadyFound + found).contains { problem in
                problem.keyPath == path || problem.keyPath.hasPrefix(path + ".") || problem.keyPath.hasPrefix(path + "[")
            }
        }
        /// Reports unless `path` already has a problem: a value that failed to read is still the
        /// default here, and a rule about it would only add noise.
        func report(_ path: String, related: [String] = [], _ message: String) {
            guard !hasProblem(under: path) else { return }
            found.append(builder.problem(at: path, related: related, message))
        }

        // model
        if c.model.kind == .deep && c.model.activation != .automatic && c.model.activation != .gelu {
            report("model.activation", related: ["model.kind"], "must be default or gelu for model.kind deep: its blocks use gelu")
        }

        if c.learning.threads > 1 && (c.learning.scheme != .pipelined || c.model.kind != .deep) {
            report("learning.threads", related: ["learning.scheme", "model.kind"], "must be 1 unless model.kind is deep and learning.scheme is pipelined")
        } else if c.learning.threads > c.model.layers && c.model.kind == .deep {
            report("learning.threads", related: ["model.layers"], "must be at most model.layers (\(c.model.layers)): each thread runs at least one block")
        }

        StageRules.check(c) { report($0, related: $1, $2) }

        // source
        if c.source.kind == .recording && c.source.recording.path.isEmpty {
            report(
                "source.recording.path", related: ["source.kind"],
                "is required when source.kind is recording; give the audio file to replay")
        }
        if c.source.kind == .mqtt && c.source.mqtt.sensors.isEmpty {
            report(
                "source.mqtt.sensors", related: ["source.kind"],
                "needs at least one sensor when source.kind is mqtt, such as [{topic: \"plant/+/temp\"}]")
        }
        if c.source.kind == .mqtt && !c.mqtt.enabled {
            report("mqtt.enabled", related: ["source.kind"], "must be true when source.kind is mqtt: the sensors are read from the broker")
        }
        if c.source.mqtt.format != .json {
            for (index, sensor) in c.source.mqtt.sensors.enumerated() where sensor.field != nil {
                report(
                    "source.mqtt.sensors[\(index)].field", related: ["source.mqtt.format"],
                    "needs source.mqtt.format: json (a \(c.source.mqtt.format.rawValue) payload has no fields); remove it or change the format")
            }
        }

        let timeField = c.source.mqtt.timeField
        if timeField != "arrival" && !timeField.isEmpty {
            if c.source.mqtt.format != .json {
                report(
                    "source.mqtt.time_field", related: ["source.mqtt.format"],
                    "needs source.mqtt.format: json (a \(c.source.mqtt.format.rawValue) payload has no fields); "
                        + "use arrival to date messages by when they arrive")
            }
            if let index = c.source.mqtt.sensors.firstIndex(where: { $0.field == timeField }) {
                report(
                    "source.mqtt.time_field", related: ["source.mqtt.sensors[\(index)].field"],
                    "names the field \(quoted(timeField)) that sensor \(index) reads as its value; a field is a value or the time")
            }
        }

        // audio
        if c.audio.mfccCount > c.audio.melBands && c.audio.melBands >= 1 {
            report("audio.mfcc", related: ["audio.mel_bands"], "must be at most audio.mel_bands (\(c.audio.melBands)), got \(c.audio.mfccCount)")
        }
        if !hasProblem(under: "audio") {
            // The front end's own rules (an FFT bin per mel band, …), in case they know more than the table.
            for message in c.audio.features.problems { report("audio", message) }
        }

        // model
        let defaults = AgentConfiguration.Model()
        if c.model.kind == .forecaster && c.model.hiddenLayers != defaults.hiddenLayers {
            report(
                "model.hidden_layers", related: ["model.kind"],
                "applies only to model.kind: mlp; remove it, or use model.hidden_size for the forecaster's width")
        }
        if c.model.kind == .mlp && c.model.hiddenSize != defaults.hiddenSize {
            report(
                "model.hidden_size", related: ["model.kind"],
                "applies only to model.kind: forecaster; the MLP's widths are model.hidden_layers")
        }

        // learning
        let tauEta = c.learning.tau * c.learning.eta
        if tauEta > 1 && !hasProblem(under: "learning") {
            report(
                "learning.eta", related: ["learning.tau"],
                "tau·eta must be at most 1 (the costates would flip sign every step), got \(JSONText.readableNumber(tauEta)); lower eta or tau")
        }
        if !hasProblem(under: "learning") {
            for message in c.learning.hamiltonian.problems { report("learning", message) }
        }

        // drift
        if !hasProblem(under: "drift.score") {
            // The score's own rules, in case they know more than the table.
            for message in c.drift.score.problems { report("drift.score", message) }
        }
        if c.drift.enabled && c.drift.detectors.isEmpty {
            let names = AgentConfiguration.Drift.Detector.allCases.map(\.rawValue).joined(separator: ", ")
            report(
                "drift.detectors", related: ["drift.enabled"],
                "is empty while drift.enabled is true; list at least one of \(names), or set drift.enabled: false")
        }
        if c.drift.reaction == .boostPlasticity && c.drift.boostSteps == 0 {
            report("drift.boost_steps", related: ["drift.reaction"], "must be at least 1 when drift.reaction is boost-plasticity")
        }

        // mqtt
        if c.mqtt.enabled && c.mqtt.host.isEmpty {
            report("mqtt.host", related: ["mqtt.enabled"], "is empty; set the broker's host name or address, or mqtt.enabled: false")
        }
        if !c.mqtt.passwordFile.isEmpty && c.mqtt.username.isEmpty {
            report("mqtt.password_file", related: ["mqtt.username"], "needs mqtt.username: a broker checks a password only with a user name")
        }
        if c.mqtt.tls.certFile.isEmpty != c.mqtt.tls.keyFile.isEmpty {
            let (missing, given) = c.mqtt.tls.certFile.isEmpty ? ("cert_file", "key_file") : ("key_file", "cert_file")
            report("mqtt.tls.\(missing)", related: ["mqtt.tls.\(given)"], "is required with mqtt.tls.\(given): a client certificate and its key go together")
        }
        if !c.mqtt.tls.certFile.isEmpty && c.mqtt.tls.caFile.isEmpty {
            report(
                "mqtt.tls.ca_file", related: ["mqtt.tls.cert_file"],
                "is required with a client certificate: TLS is on only when ca_file names the broker's CA")
        }
        return found
    }
}
