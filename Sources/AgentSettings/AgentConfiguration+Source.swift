extension AgentConfiguration {
    /// The `source` section: which input is used and the settings of each kind.
    public struct Source: Sendable, Equatable {
        /// Where the input vectors come from.
        public enum Kind: String, Sendable, CaseIterable {
            /// A generated stream whose law changes at a known step: for trying the agent out.
            case synthetic
            /// An audio recording replayed through the audio front end.
            case recording
            /// Live audio from an ALSA capture device.
            case alsa
            /// Sensor values from MQTT topics, one slot per sensor.
            case mqtt
        }

        /// `kind`
        public var kind: Kind
        /// `synthetic`
        public var synthetic: Synthetic
        /// `recording`
        public var recording: Recording
        /// `alsa`
        public var alsa: ALSAInput
        /// `mqtt`
        public var mqtt: MQTTInput

        public init(
            kind: Kind = .synthetic, synthetic: Synthetic = Synthetic(), recording: Recording = Recording(),
            alsa: ALSAInput = ALSAInput(), mqtt: MQTTInput = MQTTInput()
        ) {
            (self.kind, self.synthetic, self.recording, self.alsa, self.mqtt) = (kind, synthetic, recording, alsa, mqtt)
        }
    }
}

extension AgentConfiguration.Source {
    /// `source.synthetic`: the generated stream.
    public struct Synthetic: Sendable, Equatable {
        /// `channels`: values per step.
        public var channels: Int
        /// `change_at`: the step at which the stream's law changes; 0 = never.
        public var changeAtStep: Int
        /// `steps`: the stream's length; 0 = endless.
        public var steps: Int
        /// `rate_hz`: steps per second; 0 = as fast as possible.
        public var rateHz: Double
        /// `seed`: the generator's seed.
        public var seed: UInt64

        public init(channels: Int = 4, changeAtStep: Int = 20_000, steps: Int = 0, rateHz: Double = 0, seed: UInt64 = 1) {
            (self.channels, self.changeAtStep, self.steps, self.rateHz) = (channels, changeAtStep, steps, rateHz)
            self.seed = seed
        }
    }

    /// `source.recording`: an audio file replayed through the audio front end.
    public struct Recording: Sendable, Equatable {
        /// `path`: the recording; required when `source.kind` is `recording`.
        public var path: String
        /// `realtime`: pace the replay in real time instead of as fast as possible.
        public var realtime: Bool

        public init(path: String = "", realtime: Bool = false) {
            self.path = path
            self.realtime = realtime
        }
    }

    /// `source.alsa`: live capture.
    public struct ALSAInput: Sendable, Equatable {
        /// The PCM sample format asked of the device.
        public enum SampleFormat: String, Sendable, CaseIterable {
            case s16LE = "S16_LE"
            case s32LE = "S32_LE"
            case floatLE = "FLOAT_LE"
        }

        /// `device`: the ALSA PCM name, such as `default` or `plughw:1,0`.
        public var device: String
        /// `channels`: channels captured (averaged to mono).
        public var channels: Int
        /// `sample_format`
        public var sampleFormat: SampleFormat
        /// `buffer_seconds`: audio the capture ring holds while the pipeline falls behind; older
        /// periods are dropped (and counted as overruns) beyond it.
        public var bufferSeconds: Double

        public init(
            device: String = "default", channels: Int = 1, sampleFormat: SampleFormat = .s16LE, bufferSeconds: Double = 2
        ) {
            (self.device, self.channels, self.sampleFormat) = (device, channels, sampleFormat)
            self.bufferSeconds = bufferSeconds
        }
    }

    /// `source.mqtt`: sensor values read from MQTT topics on the `mqtt` broker.
    public struct MQTTInput: Sendable, Equatable {
        /// How a sensor payload is read.
        public enum PayloadFormat: String, Sendable, CaseIterable {
            /// A JSON number, or an object whose `field` holds one.
            case json
            /// Comma-separated numbers.
            case csv
            /// Little-endian IEEE 754 single-precision values.
            case float32
        }

        /// When a learning step happens.
        public enum Stepping: String, Sendable, CaseIterable {
            /// One step as soon as a message completes a vector.
            case message
            /// One step every `step_period_seconds`, from the latest values.
            case period
        }

        /// `sensors`: one input slot each, in this order; at least one when `source.kind` is `mqtt`.
        public var sensors: [Sensor]
        /// `format`
        public var format: PayloadFormat
        /// `max_age_seconds`: a value older than this counts as stale.
        public var maxAgeSeconds: Double
        /// `step`
        public var step: Stepping
        /// `step_period_seconds`: the period of `step: period`.
        public var stepPeriodSeconds: Double
        /// `time_field`: the JSON field dating each sensor message (epoch seconds or a date and
        /// time); `arrival` (or empty) = when the message arrived. A record's time is its newest message's.
        public var timeField: String
        /// `qos`: the sensors' subscription QoS, 0 or 1. With 1 and a persistent session
        /// (`mqtt.session_expiry_seconds`), the broker keeps what the sensors send while the agent
        /// is away, and delivers it on reconnect.
        public var qos: Int

        public init(
            sensors: [Sensor] = [], format: PayloadFormat = .json, maxAgeSeconds: Double = 10, step: Stepping = .message,
            stepPeriodSeconds: Double = 1, timeField: String = "arrival", qos: Int = 1
        ) {
            (self.qos, self.sensors, self.format, self.maxAgeSeconds) = (qos, sensors, format, maxAgeSeconds)
            (self.step, self.stepPeriodSeconds, self.timeField) = (step, stepPeriodSeconds, timeField)
        }
    }
}

extension AgentConfiguration.Source.MQTTInput {
    /// One item of `source.mqtt.sensors`: `{topic: "plant/+/temp", field: "value"}`.
    public struct Sensor: Sendable, Equatable {
        /// `topic`: an MQTT topic filter; wildcards allowed.
        public var topic: String
        /// `field`: the JSON object field holding the value; nil = the payload is the value.
        public var field: String?

        public init(topic: String, field: String? = nil) {
            self.topic = topic
            self.field = field
        }
    }
}
