#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPrimitives

/// The MQTT protocol version spoken to the broker.
public enum MQTTProtocolVersion: Sendable, Equatable, CustomStringConvertible {
    /// MQTT 5 (properties, reason codes, session expiry). The default.
    case v5
    /// MQTT 3.1.1, for brokers without MQTT 5; message properties are not sent or received.
    case v311

    public var description: String {
        switch self {
        case .v5: "MQTT 5"
        case .v311: "MQTT 3.1.1"
        }
    }
}

/// MQTT quality of service.
public enum MQTTQoS: Int32, Sendable, Equatable, Comparable, CustomStringConvertible {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "QoS \(rawValue)" }
}

/// TLS towards the broker: the broker's certificate must chain to `caFile` and (unless
/// `allowsInsecureHostname`) name the configured host.
public struct MQTTTLSConfiguration: Sendable, Equatable {
    /// PEM file with the CA certificate(s) the broker's certificate must chain to.
    public var caFile: String
    /// PEM client certificate, for brokers that require one (`require_certificate true`).
    public var certificateFile: String?
    /// PEM private key of `certificateFile` (unencrypted).
    public var keyFile: String?
    /// Skips the check that the broker's certificate names the host. Off by default; a test-rig
    /// escape hatch that lets anyone with a certificate from the CA impersonate the broker.
    public var allowsInsecureHostname: Bool

    public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil, allowsInsecureHostname: Bool = false) {
        (self.caFile, self.certificateFile, self.keyFile) = (caFile, certificateFile, keyFile)
        self.allowsInsecureHostname = allowsInsecureHostname
    }
}

/// The retained status topic: `online` published on every connect, `offline` published by
/// `close()` and, as the Will, by the broker when the connection dies without a DISCONNECT.
public struct MQTTStatusConfiguration: Sendable, Equatable {
    public var topic: String
    public var onlinePayload: [UInt8]
    public var offlinePayload: [UInt8]
    /// QoS of the status messages and the Will (1 by default).
    public var qos: MQTTQoS

    public init(topic: String, online: String = "online", offline: String = "offline", qos: MQTTQoS = .atLeastOnce) {
        self.topic = topic
        onlinePayload = Array(online.utf8)
        offlinePayload = Array(offline.utf8)
        self.qos = qos
    }
}

/// Limits of the outbox that holds messages while disconnected and QoS ≥ 1 messages until
/// their PUBACK. When a new message does not fit, the oldest non-priority message is dropped
/// first; priority messages are dropped (oldest first) only to make room for another priority one.
public struct MQTTOutboxLimits: Sendable, Equatable {
    public var maximumMessages: Int
    /// Sum of topic and payload bytes.
    public var maximumBytes: Int
    /// Sum of topic and payload bytes of the non-priority messages waiting, within `maximumBytes`;
    /// nil = `maximumBytes` alone. Non-priority messages are the ones the next ones supersede
    /// (predictions, metrics): a tighter bound keeps a broker away from costing megabytes of memory
    /// for them, while priority messages keep the whole of `maximumBytes`.
    public var maximumNormalBytes: Int?

    public init(maximumMessages: Int = 10_000, maximumBytes: Int = 8 << 20, maximumNormalBytes: Int? = nil) {
        (self.maximumMessages, self.maximumBytes) = (maximumMessages, maximumBytes)
        self.maximumNormalBytes = maximumNormalBytes
    }

    /// The bound a message of this kind must fit in on its own.
    func largestMessage(priority: Bool) -> Int {
        priority ? maximumBytes : min(maximumBytes, maximumNormalBytes ?? .max)
    }
}

/// Where incoming messages go.
public enum MQTTMessageDelivery: Sendable, Equatable {
    /// As `.message` events on `MQTTClient.events`; at most `bufferCapacity` unread events are
    /// kept (the oldest are dropped and counted).
    case stream(bufferCapacity: Int)
    /// Into `MQTTClient.messages`, a bounded queue a dedicated (non-async) thread pops with a
    /// timeout; `events` then carries connection events only. When full, the oldest is dropped and counted.
    case queue(capacity: Int)
}

/// Everything the MQTT client needs to know. The password is never part of it: only the path
/// of the file holding it, so logging a configuration cannot leak it.
public struct MQTTConfiguration: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var host: String
    public var port: Int
    /// Empty = let the broker assign one (only with `cleanStart` and no session expiry).
    public var clientID: String
    /// Seconds between PINGs when idle; 0 disables keep-alive, otherwise 5…65535.
    public var keepAliveSeconds: Int
    /// Start without the broker's stored session (MQTT 5 clean start / 3.1.1 clean session).
    public var cleanStart: Bool
    /// MQTT 5: how long the broker keeps the session after the connection ends (0 = not at all).
    public var sessionExpirySeconds: UInt32
    public var protocolVersion: MQTTProtocolVersion
    public var tls: MQTTTLSConfiguration?
    public var userName: String?
    /// File holding the password, e.g. `$CREDENTIALS_DIRECTORY/mqtt-password`; one trailing
    /// newline (LF or CRLF) is stripped. Read when the client is created and again before every
    /// connection attempt, so a corrected file is picked up without a restart.
    public var passwordFile: String?
    /// The retained online/offline status topic and Will; nil = none.
    public var status: MQTTStatusConfiguration?
    public var reconnect: ExponentialBackoff
    public var outbox: MQTTOutboxLimits
    public var messageDelivery: MQTTMessageDelivery
    /// How long one connection attempt may take (TCP, TLS, CONNACK) before it is abandoned.
    public var connectTimeout: Duration
    /// How long `close()` waits for the broker to take the outbox and the `offline` status; with
    /// durable messages pending it waits while disconnected too, for the broker to come back.
    public var closeTimeout: Duration
    /// The on-disk part of the outbox, for messages published with `durable: true`; nil = none
    /// (they are then kept in memory as priority messages).
    public var durableOutbox: MQTTDurableOutboxConfiguration?

    public init(
        host: String, port: Int = 1883, clientID: String,
        keepAliveSeconds: Int = 30, cleanStart: Bool = true, sessionExpirySeconds: UInt32 = 0,
        protocolVersion: MQTTProtocolVersion = .v5, tls: MQTTTLSConfiguration? = nil,
        userName: String? = nil, passwordFile: String? = nil, status: MQTTStatusConfiguration? = nil,
        reconnect: ExponentialBackoff = ExponentialBackoff(initial: .milliseconds(500), maximum: .seconds(30), jitterFraction: 0.2), outbox: MQTTOutboxLimits = .init(),
        messageDelivery: MQTTMessageDelivery = .stream(bufferCapacity: 4096),
        connectTimeout: Duration = .seconds(10), closeTimeout: Duration = .seconds(2),
        durableOutbox: MQTTDurableOutboxConfiguration? = nil
    ) {
        (self.host, self.port, self.clientID, self.keepAliveSeconds) = (host, port, clientID, keepAliveSeconds)
        (self.cleanStart, self.sessionExpirySeconds) = (cleanStart, sessionExpirySeconds)
        (self.protocolVersion, self.tls, self.userName) = (protocolVersion, tls, userName)
        (self.passwordFile, self.status, self.reconnect, self.outbox) = (passwordFile, status, reconnect, outbox)
        (self.messageDelivery, self.connectTimeout, self.closeTimeout) = (messageDelivery, connectTimeout, closeTimeout)
        self.durableOutbox = durableOutbox
    }

    /// `$CREDENTIALS_DIRECTORY/<name>` when systemd passed credentials (`LoadCredential=`), else nil.
    public static func systemdCredentialPath(named name: String = "mqtt-password") -> String? {
        credentialPath(directory: getenv("CREDENTIALS_DIRECTORY").map { String(cString: $0) }, name: name)
    }

    static func credentialPath(directory: String?, name: String) -> String? {
        guard let directory, !directory.isEmpty else { return nil }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// "host:port", as used in log lines.
    public var brokerAddress: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String {
        var parts = [
            "broker: \(brokerAddress)", "clientID: \(clientID.isEmpty ? "(assigned by broker)" : clientID)",
            "protocol: \(protocolVersion)", "keepAlive: \(keepAliveSeconds) s", "cleanStart: \(cleanStart)",
        ]
        if protocolVersion == .v5 { parts.append("sessionExpiry: \(sessionExpirySeconds) s") }
        if let tls {
            var text = "tls: ca=\(tls.caFile)"
            if let certificateFile = tls.certificateFile { text += " cert=\(certificateFile)" }
            if let keyFile = tls.keyFile { text += " key=\(keyFile)" }
            if tls.allowsInsecureHostname { text += " INSECURE-HOSTNAME" }
            parts.append(text)
        } else {
            parts.append("tls: off")
        }
        if let userName { parts.append("user: \(userName)") }
        // Only where the password comes from, never the password.
        if let passwordFile { parts.append("password: <redacted, from file \(passwordFile)>") }
        if let status { parts.append("status: \(status.topic)") }
        parts.append("reconnect: \(reconnect.initial.logText)…\(reconnect.maximum.logText) jitter \(reconnect.jitterFraction)")
        parts.append("outbox: \(outbox.maximumMessages) messages / \(outbox.maximumBytes) bytes")
        if let durableOutbox {
            parts.append("durable outbox: \(durableOutbox.path) (\(durableOutbox.maximumMessages) messages / \(durableOutbox.maximumBytes) bytes)")
        }
        return "MQTTConfiguration(" + parts.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    /// Checks values libmosquitto would reject later, with messages a user can act on.
    public func validate() throws(MQTTConfigurationError) {
        if host.isEmpty { throw .emptyHost }
        if !(1...65535).contains(port) { throw .invalidPort(port) }
        if keepAliveSeconds != 0 && !(5...65535).contains(keepAliveSeconds) { throw .invalidKeepAlive(keepAliveSeconds) }
        if clientID.isEmpty && (!cleanStart || sessionExpirySeconds > 0) { throw .clientIDRequiredForSession }
        if clientID.utf8.count > 65535 { throw .invalidClientID(clientID) }
        if passwordFile != nil && userName == nil { throw .passwordWithoutUserName }
        if !(reconnect.initial > .zero && reconnect.maximum >= reconnect.initial) || !(0...1).contains(reconnect.jitterFraction) {
            throw .invalidReconnectBackoff
        }
        if outbox.maximumMessages < 1 || outbox.maximumBytes < 1 { throw .invalidOutboxLimits }
        if let durableOutbox, durableOutbox.path.isEmpty || durableOutbox.maximumMessages < 1 || durableOutbox.maximumBytes < 1 {
            throw .invalidDurableOutbox
        }
        switch messageDelivery {
        case .stream(let capacity), .queue(let capacity):
            if capacity < 1 { throw .invalidDeliveryCapacity(capacity) }
        }
        if let status, status.topic.isEmpty || status.topic.contains("+") || status.topic.contains("#") {
            throw .invalidStatusTopic(status.topic)
        }
        if let tls {
            for path in [tls.caFile, tls.certificateFile, tls.keyFile].compactMap({ $0 }) where access(path, R_OK) != 0 {
                throw .tlsFileUnreadable(path: path, errorNumber: errno)
            }
            if (tls.certificateFile == nil) != (tls.keyFile == nil) { throw .clientCertificateWithoutKey }
        }
        if connectTimeout <= .zero || closeTimeout < .zero { throw .invalidTimeout }
    }

    /// The password in `path`, with one trailing newline (LF or CRLF) stripped.
    static func readPassword(fromFile path: String) throws(MQTTConfigurationError) -> String {
        guard let file = fopen(path, "rb") else { throw .passwordFileUnreadable(path: path, errorNumber: errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count {
                if ferror(file) != 0 { throw .passwordFileUnreadable(path: path, errorNumber: errno) }
                break
            }
            if bytes.count > 65535 { throw .passwordFileInvalid(path: path) }
        }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        if bytes.isEmpty { throw .passwordFileEmpty(path: path) }
        if bytes.contains(0) { throw .passwordFileInvalid(path: path) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A configuration the client cannot use, with what to change.
public enum MQTTConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyHost
    case invalidPort(Int)
    case invalidKeepAlive(Int)
    case invalidClientID(String)
    case clientIDRequiredForSession
    case passwordWithoutUserName
    case passwordFileUnreadable(path: String, errorNumber: Int32)
    case passwordFileEmpty(path: String)
    case passwordFileInvalid(path: String)
    case tlsFileUnreadable(path: String, errorNumber: Int32)
    case clientCertificateWithoutKey
    case invalidReconnectBackoff
    case invalidOutboxLimits
    case invalidDurableOutbox
    /// The durable outbox's file could not be opened or rewritten.
    case durableOutboxUnusable(String)
    case invalidDeliveryCapacity(Int)
    case invalidStatusTopic(String)
    case invalidTimeout
    /// libmosquitto refused a setting (e.g. a TLS file it cannot load).
    case rejected(MosquittoError)

    public var description: String {
        switch self {
        case .emptyHost: "MQTT host is empty; set the broker's host name or address"
        case .invalidPort(let port): "MQTT port \(port) is not in 1…65535"
        case .invalidKeepAlive(let seconds): "MQTT keep-alive \(seconds) s is invalid; use 0 (off) or 5…65535"
        case .invalidClientID: "MQTT client id is longer than 65535 bytes"
        case .clientIDRequiredForSession:
            "an MQTT session (clean start off or a session expiry) needs a fixed client id; set one"
        case .passwordWithoutUserName: "an MQTT password file is set but no user name; set the user name"
        case .passwordFileUnreadable(let path, let errorNumber):
            "cannot read the MQTT password file \(path): \(String(cString: strerror(errorNumber)))"
        case .passwordFileEmpty(let path): "the MQTT password file \(path) is empty"
        case .passwordFileInvalid(let path): "the MQTT password file \(path) holds a NUL byte or is longer than 65535 bytes"
        case .tlsFileUnreadable(let path, let errorNumber):
            "cannot read the MQTT TLS file \(path): \(String(cString: strerror(errorNumber)))"
        case .clientCertificateWithoutKey: "an MQTT TLS client certificate needs its key file, and a key its certificate"
        case .invalidReconnectBackoff: "MQTT reconnect back-off needs 0 < initial ≤ maximum and a jitter fraction in 0…1"
        case .invalidOutboxLimits: "MQTT outbox limits must be at least 1 message and 1 byte"
        case .invalidDurableOutbox: "the MQTT durable outbox needs a file path and limits of at least 1 message and 1 byte"
        case .durableOutboxUnusable(let reason):
            "cannot use the MQTT durable outbox: \(reason); check that the state directory is writable"
        case .invalidDeliveryCapacity(let capacity): "MQTT incoming message capacity \(capacity) must be at least 1"
        case .invalidStatusTopic(let topic): "MQTT status topic '\(topic)' must be non-empty and without wildcards"
        case .invalidTimeout: "MQTT connect timeout must be positive and close timeout not negative"
        case .rejected(let error): "libmosquitto rejected the MQTT configuration: \(error)"
        }
    }
}
