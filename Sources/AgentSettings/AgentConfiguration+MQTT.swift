extension AgentConfiguration {
    /// The `mqtt` section: the broker connection. Never holds a password, only the file that does.
    public struct MQTT: Sendable, Equatable {
        /// The MQTT protocol version spoken to the broker.
        public enum ProtocolVersion: String, Sendable, CaseIterable {
            case v5 = "5"
            case v311 = "3.1.1"
        }

        /// `enabled`: connect to a broker at all.
        public var enabled: Bool
        /// `host`
        public var host: String
        /// `port`
        public var port: Int
        /// `client_id`: empty = `hamlet-<agent id>`.
        public var clientID: String
        /// `topic_prefix`: every output topic starts with it; empty = `hamlet/<agent id>`.
        public var topicPrefix: String
        /// `protocol`
        public var protocolVersion: ProtocolVersion
        /// `keep_alive_seconds`: 0 = off, else 5…65535.
        public var keepAliveSeconds: Int
        /// `session_expiry_seconds`: how long the broker keeps the agent's session (its QoS 1
        /// subscriptions and their messages) after a disconnect; 0 = a clean session at every connect.
        /// Under MQTT 3.1.1, which has no expiry, any value above 0 asks for a persistent session.
        public var sessionExpirySeconds: UInt32
        /// `reconnect_max_seconds`: the longest wait between two connection attempts, so the
        /// agent is back within it once the broker is.
        public var reconnectMaxSeconds: Double
        /// `shutdown_wait_seconds`: how long a stopping agent waits for the broker to take what is
        /// queued (and, with alerts on disk, for a broker that is away to come back).
        public var shutdownWaitSeconds: Double
        /// `username`: empty = none.
        public var username: String
        /// `password_file`: empty = `$CREDENTIALS_DIRECTORY/mqtt-password` when that exists.
        public var passwordFile: String
        /// `tls`
        public var tls: TLS
        /// `outbox`
        public var outbox: Outbox

        public init(
            enabled: Bool = true, host: String = "127.0.0.1", port: Int = 1883, clientID: String = "",
            topicPrefix: String = "", protocolVersion: ProtocolVersion = .v5, keepAliveSeconds: Int = 30,
            sessionExpirySeconds: UInt32 = 600, reconnectMaxSeconds: Double = 1, shutdownWaitSeconds: Double = 3,
            username: String = "", passwordFile: String = "", tls: TLS = TLS(), outbox: Outbox = Outbox()
        ) {
            (self.reconnectMaxSeconds, self.shutdownWaitSeconds) = (reconnectMaxSeconds, shutdownWaitSeconds)
            (self.enabled, self.host, self.port, self.clientID) = (enabled, host, port, clientID)
            (self.topicPrefix, self.protocolVersion) = (topicPrefix, protocolVersion)
            (self.keepAliveSeconds, self.sessionExpirySeconds) = (keepAliveSeconds, sessionExpirySeconds)
            (self.username, self.passwordFile, self.tls, self.outbox) = (username, passwordFile, tls, outbox)
        }
    }
}

extension AgentConfiguration.MQTT {
    /// `mqtt.tls`: PEM files; TLS is on when `caFile` is set.
    public struct TLS: Sendable, Equatable {
        /// `ca_file`: the CA the broker's certificate must chain to; empty = no TLS.
        public var caFile: String
        /// `cert_file`: client certificate, for brokers that require one; goes with `keyFile`.
        public var certFile: String
        /// `key_file`: the client certificate's unencrypted key; goes with `certFile`.
        public var keyFile: String

        public init(caFile: String = "", certFile: String = "", keyFile: String = "") {
            (self.caFile, self.certFile, self.keyFile) = (caFile, certFile, keyFile)
        }

        /// Whether TLS is used at all.
        public var isEnabled: Bool { !caFile.isEmpty }
    }

    /// `mqtt.outbox`: what is kept while disconnected or unacknowledged; the oldest goes first.
    public struct Outbox: Sendable, Equatable {
        /// `max_messages`
        public var maxMessages: Int
        /// `max_bytes`: topic and payload bytes together.
        public var maxBytes: Int
        /// `qos0_max_bytes`: the topic and payload bytes of the QoS 0 messages (predictions,
        /// metrics, rejected input), within `max_bytes`. The next ones supersede them, so while the
        /// broker is away only the latest few are worth their memory; alerts and control replies
        /// keep the whole of `max_bytes`.
        public var qos0MaxBytes: Int
        /// `durable`: alerts go to `<state_directory>/mqtt-outbox.log` until the broker has them,
        /// so that they outlive a restart or a crash of the agent.
        public var durable: Bool
        /// `durable_max_messages`: alerts kept on disk at most; the oldest goes first.
        public var durableMaxMessages: Int
        /// `durable_max_bytes`: their topic and payload bytes at most.
        public var durableMaxBytes: Int

        public init(
            maxMessages: Int = 10_000, maxBytes: Int = 8 << 20, qos0MaxBytes: Int = 512 << 10, durable: Bool = true,
            durableMaxMessages: Int = 1_000, durableMaxBytes: Int = 1 << 20
        ) {
            (self.maxMessages, self.maxBytes, self.qos0MaxBytes) = (maxMessages, maxBytes, qos0MaxBytes)
            (self.durable, self.durableMaxMessages) = (durable, durableMaxMessages)
            self.durableMaxBytes = durableMaxBytes
        }
    }
}
