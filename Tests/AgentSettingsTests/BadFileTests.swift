import Testing

@testable import AgentSettings

/// A configuration file with mistakes and the key paths of every problem it must report, in order.
struct BadFile: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let keyPaths: [String]

    var testDescription: String { name }
}

@Suite("Bad configuration files report every problem with its key path")
struct BadFileTests {
    static let files: [BadFile] = [
        BadFile(
            name: "out-of-range learning values",
            yaml: """
                learning:
                  tau: 0
                  beta: -1
                  gradient_clip: -0.5
                """,
            keyPaths: ["learning.tau", "learning.beta", "learning.gradient_clip"]),
        BadFile(
            name: "wrong types",
            yaml: """
                source:
                  synthetic:
                    channels: four
                    rate_hz: [1]
                drift:
                  enabled: maybe
                mqtt:
                  port: 1883.5
                  host: {name: broker}
                """,
            keyPaths: [
                "source.synthetic.channels", "source.synthetic.rate_hz", "drift.enabled", "mqtt.port", "mqtt.host",
            ]),
        BadFile(
            name: "unknown keys at several levels",
            yaml: """
                modell:
                  kind: mlp
                learning:
                  betta: 0.1
                drift:
                  cusum:
                    treshold: 3
                """,
            keyPaths: ["modell", "learning.betta", "drift.cusum.treshold"]),
        BadFile(
            name: "bad sensors",
            yaml: """
                source:
                  kind: mqtt
                  mqtt:
                    sensors:
                      - topic: "plant/#/temp"
                      - topic: plant/+/rpm
                        field: rpm
                      - feild: x
                      - just-a-string
                """,
            keyPaths: [
                "source.mqtt.sensors[0].topic", "source.mqtt.sensors[2].feild", "source.mqtt.sensors[2]",
                "source.mqtt.sensors[3]",
            ]),
        BadFile(
            name: "sensor checks after reading",
            yaml: """
                source:
                  kind: mqtt
                  mqtt:
                    format: csv
                    sensors:
                      - {topic: a/b, field: x}
                      - {topic: a/b, field: x}
                      - {topic: c, field: ""}
                """,
            keyPaths: [
                "source.mqtt.sensors[1]", "source.mqtt.sensors[2].field", "source.mqtt.sensors[0].field",
                "source.mqtt.sensors[1].field",
            ]),
        BadFile(
            name: "settings that contradict each other",
            yaml: """
                source:
                  kind: recording
                audio:
                  mel_bands: 20
                  mfcc: 30
                model:
                  hidden_layers: [64, 64]
                mqtt:
                  password_file: /etc/hamlet/password
                  tls:
                    cert_file: /etc/hamlet/client.pem
                """,
            keyPaths: [
                "source.recording.path", "audio.mfcc", "model.hidden_layers", "mqtt.password_file", "mqtt.tls.key_file",
                "mqtt.tls.ca_file",
            ]),
        BadFile(
            name: "out-of-range values across sections",
            yaml: """
                agent:
                  id: site/7
                audio:
                  sample_rate_hz: 16
                drift:
                  adwin:
                    delta: 1.5
                  anomaly:
                    threshold: 1
                mqtt:
                  topic_prefix: "a/#"
                  keep_alive_seconds: 3
                outputs:
                  prediction_every: 0
                """,
            keyPaths: [
                "agent.id", "audio.sample_rate_hz", "drift.adwin.delta", "drift.anomaly.threshold", "mqtt.topic_prefix",
                "mqtt.keep_alive_seconds", "outputs.prediction_every",
            ]),
        BadFile(
            name: "choices",
            yaml: """
                source:
                  kind: mqqt
                  alsa:
                    sample_format: s24_le
                model:
                  activation: Tanh
                drift:
                  reaction: boost
                  detectors: [cusum, kswin]
                mqtt:
                  protocol: 4
                """,
            keyPaths: [
                "source.kind", "source.alsa.sample_format", "model.activation", "drift.reaction", "drift.detectors[1]",
                "mqtt.protocol",
            ]),
        BadFile(
            name: "list items",
            yaml: """
                model:
                  kind: mlp
                  hidden_layers: [32, 0, 8]
                drift:
                  detectors: [adwin, cusum, adwin]
                """,
            keyPaths: ["model.hidden_layers[1]", "drift.detectors[2]"]),
        BadFile(
            name: "sections given a value",
            yaml: """
                drift: off
                mqtt:
                  tls: yes
                """,
            keyPaths: ["drift", "mqtt.tls"]),
        BadFile(name: "a list at the top", yaml: "- agent\n- source\n", keyPaths: [""]),
        BadFile(
            name: "empty and oversized values",
            yaml: """
                learning:
                  beta:
                  seed: -1
                mqtt:
                  session_expiry_seconds: 5000000000
                  host: ""
                """,
            keyPaths: ["learning.beta", "learning.seed", "mqtt.session_expiry_seconds", "mqtt.host"]),
        BadFile(
            name: "rules of the learner and the protocol",
            yaml: """
                learning:
                  tau: 2
                  eta: 0.6
                mqtt:
                  protocol: "3.1.1"
                  session_expiry_seconds: 60
                drift:
                  enabled: true
                  detectors: []
                  reaction: boost-plasticity
                  boost_steps: 0
                source:
                  kind: mqtt
                  mqtt:
                    sensors: [{topic: a}]
                """,
            // A session expiry under 3.1.1 is no longer refused: it asks for a persistent session (issue 16).
            keyPaths: ["learning.eta", "drift.detectors", "drift.boost_steps"]),
        BadFile(
            name: "out-of-range forecast score settings",
            yaml: """
                drift:
                  score:
                    warm_up_samples: 0
                    threshold: 1.5
                    refractory_samples: -1
                    range_tolerance: -0.1
                    short_run_samples: 0
                    long_run_samples: 0
                    tail_quantile: 1
                    tail_samples: -1
                    residual_memory_samples: 1
                    minimum_residual_scale: 0
                    horizon_samples: -1
                    horizon_lags: 0
                    recent_range_samples: -1
                    recent_range_tolerance: -0.5
                    context_samples: -1
                    context_order: 0
                    context_bins: 1
                """,
            keyPaths: [
                "drift.score.warm_up_samples", "drift.score.threshold", "drift.score.refractory_samples",
                "drift.score.range_tolerance", "drift.score.short_run_samples", "drift.score.long_run_samples",
                "drift.score.tail_quantile", "drift.score.tail_samples", "drift.score.residual_memory_samples",
                "drift.score.minimum_residual_scale", "drift.score.horizon_samples", "drift.score.horizon_lags",
                "drift.score.recent_range_samples", "drift.score.recent_range_tolerance",
                "drift.score.context_samples", "drift.score.context_order", "drift.score.context_bins",
            ]),
        BadFile(
            name: "a time field that a csv payload cannot have, or that is a sensor's value",
            yaml: """
                source:
                  mqtt:
                    sensors: [{topic: a, field: t}]
                    format: csv
                    time_field: t
                """,
            keyPaths: ["source.mqtt.sensors[0].field", "source.mqtt.time_field"]),
    ]

    @Test("each bad file reports exactly its problems", arguments: files)
    func reportsKeyPaths(_ file: BadFile) {
        let found = problems(yaml: file.yaml)
        #expect(found.map(\.keyPath) == file.keyPaths, "\(ConfigurationErrors(problems: found))")
        #expect(found.allSatisfy { $0.source == "test.yaml" })
    }
}
