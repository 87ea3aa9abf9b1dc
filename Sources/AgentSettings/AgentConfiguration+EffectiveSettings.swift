import JSONText
extension AgentConfiguration {
    /// Every YAML key path, in the order of `config/hamlet.yaml`, such as `learning.beta`.
    public static var settingKeyPaths: [String] { SettingsSchema.all.map(\.path) }

    /// Every setting and its effective value as one compact JSON object nested like the YAML
    /// (snake_case keys, `{"agent":{"id":""…},…}`), for the control plane's "read the
    /// configuration" command. Holds no secret: the MQTT password is only ever a file path.
    public var effectiveSettings: String {
        Self.nest(SettingsSchema.all.map { (Substring($0.path), $0.effectiveValue(self)) }).text
    }

    /// Groups `a.b.c = v` pairs into nested objects, keeping first-seen order.
    private static func nest(_ settings: [(path: Substring, value: JSONValue)]) -> JSONValue {
        var order: [Substring] = []
        var groups: [Substring: [(path: Substring, value: JSONValue)]] = [:]
        var leaves: [Substring: JSONValue] = [:]
        for setting in settings {
            let head = setting.path.prefix(while: { $0 != "." })
            if groups[head] == nil && leaves[head] == nil { order.append(head) }
            if head.count == setting.path.count {
                leaves[head] = setting.value
            } else {
                groups[head, default: []].append((setting.path.dropFirst(head.count + 1), setting.value))
            }
        }
        return .object(order.map { head in JSONMember(key: String(head), value: leaves[head] ?? nest(groups[head] ?? [])) })
    }
}
