#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The values whose empty default means "derive it": each helper gives the value in force.
extension AgentConfiguration {
    /// The file name of the overrides file inside the state directory.
    public static let overridesFileName = "settings-overrides.json"

    /// This machine's host name (`gethostname`), or `hamlet` if it has none.
    public static func systemHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "hamlet" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "hamlet" : name
    }

    /// `agent.id`, or `hostName` when it is empty. Host names never hold `/`, `+` or `#`.
    public func resolvedAgentID(hostName: String = AgentConfiguration.systemHostName()) -> String {
        agent.id.isEmpty ? hostName : agent.id
    }

    /// `mqtt.client_id`, or `hamlet-<agent id>` when it is empty.
    public func resolvedClientID(hostName: String = AgentConfiguration.systemHostName()) -> String {
        mqtt.clientID.isEmpty ? "hamlet-" + resolvedAgentID(hostName: hostName) : mqtt.clientID
    }

    /// `mqtt.topic_prefix` without a trailing `/`, or `hamlet/<agent id>` when it is empty.
    public func resolvedTopicPrefix(hostName: String = AgentConfiguration.systemHostName()) -> String {
        guard !mqtt.topicPrefix.isEmpty else { return "hamlet/" + resolvedAgentID(hostName: hostName) }
        var prefix = Substring(mqtt.topicPrefix)
        while prefix.count > 1 && prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        return String(prefix)
    }

    /// `agent.state_directory`, else the first of systemd's `$STATE_DIRECTORY` (a `:`-separated
    /// list when a unit names several), else `./hamlet-state`.
    public func resolvedStateDirectory(environment: [String: String]) -> String {
        if !agent.stateDirectory.isEmpty { return agent.stateDirectory }
        if let systemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !systemd.isEmpty {
            return String(systemd)
        }
        return "./hamlet-state"
    }

    /// Where the control plane's overrides are saved: `settings-overrides.json` in the state directory.
    public func resolvedOverridesPath(environment: [String: String]) -> String {
        let directory = resolvedStateDirectory(environment: environment)
        return (directory.hasSuffix("/") ? directory : directory + "/") + Self.overridesFileName
    }

    /// `mqtt.password_file`; when empty, `$CREDENTIALS_DIRECTORY/mqtt-password` if that file exists
    /// and a user name is set (systemd's `LoadCredential=`); else nil, no password.
    public func resolvedPasswordFile(environment: [String: String]) -> String? {
        if !mqtt.passwordFile.isEmpty { return mqtt.passwordFile }
        guard !mqtt.username.isEmpty, let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
            return nil
        }
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + "mqtt-password"
        return access(path, F_OK) == 0 ? path : nil
    }
}
