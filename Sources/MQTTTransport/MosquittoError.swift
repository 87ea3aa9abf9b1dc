import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed libmosquitto call: the `mosq_err_t` `code` it returned and the `operation` that failed;
/// `message` is libmosquitto's `mosquitto_strerror` text (or the system's, for `MOSQ_ERR_ERRNO`).
public struct MosquittoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `mosq_err_t` value, e.g. `MOSQ_ERR_NO_CONN` (4).
    public let code: Int32
    /// What was being done, e.g. `mosquitto_tls_set` or `connect 127.0.0.1:1883`.
    public let operation: String
    /// `errno` when `code` is `MOSQ_ERR_ERRNO`, captured right after the call; 0 otherwise.
    public let systemErrorNumber: Int32

    public init(code: Int32, operation: String, systemErrorNumber: Int32 = 0) {
        self.code = code
        self.operation = operation
        self.systemErrorNumber = code == MOSQ_ERR_ERRNO.rawValue ? systemErrorNumber : 0
    }

    /// Builds the error for `code`, capturing the calling thread's `errno` for `MOSQ_ERR_ERRNO`.
    static func capturing(code: Int32, operation: String) -> MosquittoError {
        MosquittoError(code: code, operation: operation, systemErrorNumber: code == MOSQ_ERR_ERRNO.rawValue ? errno : 0)
    }

    /// Throws unless `code` is `MOSQ_ERR_SUCCESS`.
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(MosquittoError) {
        if code != MOSQ_ERR_SUCCESS.rawValue { throw capturing(code: code, operation: operation()) }
    }

    /// `mosquitto_strerror(code)`, or `strerror(errno)` for a system error.
    public var message: String {
        if code == MOSQ_ERR_ERRNO.rawValue, systemErrorNumber != 0 {
            return String(cString: strerror(systemErrorNumber))
        }
        return String(cString: mosquitto_strerror(code))
    }

    public var description: String { "\(operation): \(message) (\(code))" }

    /// `message` without libmosquitto's final full stop, for use inside a log sentence.
    var phrase: String { message.hasSuffix(".") ? String(message.dropLast()) : message }
}

/// Text for the reason codes a broker sends in CONNACK, PUBACK, SUBACK and DISCONNECT.
public enum MQTTReasonCode {
    /// `mosquitto_reason_string` for MQTT 5 reason codes, `mosquitto_connack_string` for the
    /// MQTT 3.1.1 CONNACK return codes 1–5.
    public static func message(_ code: Int32, protocolVersion: MQTTProtocolVersion) -> String {
        switch protocolVersion {
        case .v5: String(cString: mosquitto_reason_string(code))
        case .v311: String(cString: mosquitto_connack_string(code))
        }
    }

    /// What a user can do about a refused connection, or nil when there is nothing specific.
    static func hint(forRefusal code: Int32, protocolVersion: MQTTProtocolVersion) -> String? {
        switch (protocolVersion, code) {
        case (.v5, Int32(MQTT_RC_NOT_AUTHORIZED.rawValue)), (.v5, Int32(MQTT_RC_BAD_USERNAME_OR_PASSWORD.rawValue)),
            (.v311, 4), (.v311, 5):
            "check the user name and password file"
        case (.v5, Int32(MQTT_RC_CLIENTID_NOT_VALID.rawValue)), (.v311, 2):
            "check the client id"
        case (.v5, Int32(MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION.rawValue)), (.v311, 1):
            "the broker does not speak this MQTT version; try protocol version 3.1.1"
        case (.v5, Int32(MQTT_RC_BANNED.rawValue)):
            "the broker banned this client"
        default:
            nil
        }
    }
}

/// libmosquitto's process-wide initialisation, done once before the first handle.
enum MosquittoLibrary {
    private static let initialised: Bool = {
        _ = mosquitto_lib_init()
        return true
    }()

    static func ensureInitialised() { _ = initialised }
}
