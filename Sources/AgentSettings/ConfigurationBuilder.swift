/// Applies the layers in order onto the defaults, remembering which layer set each key, and
/// collects every problem instead of stopping at the first.
struct ConfigurationBuilder {
    /// Which layer set a key last, so that a range problem names the file (and line) to fix.
    struct Origin {
        var source: String
        var line: Int?
    }

    private(set) var configuration: AgentConfiguration
    private(set) var problems: [ConfigurationProblem] = []
    private(set) var origins: [String: Origin] = [:]
    /// Names the problems of keys that no layer set (cross-setting rules over defaults).
    let baseSourceName: String

    init(base: AgentConfiguration = AgentConfiguration(), baseSourceName: String) {
        self.configuration = base
        self.baseSourceName = baseSourceName
    }

    /// Problems listed before the rest are only counted: a long file of mistakes (or garbage)
    /// would otherwise cost a suggestion and a line each.
    static let maximumProblems = 100
    private(set) var unlistedProblems = 0

    /// True once `maximumProblems` are listed: callers may skip working out a message.
    var isFull: Bool { problems.count >= Self.maximumProblems }

    mutating func report(_ problem: ConfigurationProblem) {
        if isFull { unlistedProblems += 1 } else { problems.append(problem) }
    }

    // MARK: YAML file

    /// Reads one YAML document of sections; unknown keys, wrong types and syntax errors become problems.
    mutating func applyYAML(_ text: String, sourceName: String) {
        let root: SettingInput
        do {
            root = try SettingInput.parse(yaml: text)
        } catch {
            report(ConfigurationProblem(source: sourceName, line: error.line, keyPath: "", message: error.problemMessage))
            return
        }
        switch root.value {
        case .mapping(let entries): applyMapping(entries, at: "", sourceName: sourceName)
        case .null: break
        default:
            report(
                ConfigurationProblem(
                    source: sourceName, line: root.line, keyPath: "",
                    message: "must be a mapping of sections (agent:, source:, model:, …), got \(root.shownValue)"))
        }
    }

    private mutating func applyMapping(_ entries: [SettingInput.Entry], at prefix: String, sourceName: String) {
        for entry in entries {
            let path = prefix.isEmpty ? entry.key : prefix + "." + entry.key
            if let setting = SettingsSchema.byPath[path] {
                apply(setting, entry.value, origin: Origin(source: sourceName, line: entry.value.line))
            } else if let keys = SettingsSchema.children[path] {
                switch entry.value.value {
                case .mapping(let children): applyMapping(children, at: path, sourceName: sourceName)
                case .null: break  // a section whose keys are all commented out
                default:
                    report(
                        ConfigurationProblem(
                            source: sourceName, line: entry.value.line, keyPath: path,
                            message: "is a section and must hold keys (\(keys.joined(separator: ", "))), got \(entry.value.shownValue)"))
                }
            } else if isFull {
                unlistedProblems += 1
            } else {
                let siblings = SettingsSchema.children[prefix] ?? []
                let message: String
                if let near = NearestName.suggestion(for: entry.key, among: siblings) {
                    message = "unknown key; did you mean \(near)?"
                } else {
                    let place = prefix.isEmpty ? "the top level" : prefix
                    message = "unknown key; \(place) has \(siblings.joined(separator: ", "))"
                }
                report(ConfigurationProblem(source: sourceName, line: entry.value.line, keyPath: path, message: message))
            }
        }
    }

    // MARK: Environment

    /// Applies every `HAMLET_<SECTION>__<KEY>` variable; other variables are ignored.
    mutating func applyEnvironment(_ environment: [String: String]) {
        for (name, text) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix(Self.environmentPrefix) {
            let path = Self.keyPath(forEnvironmentVariable: name)
            let source = "$" + name
            guard name == name.uppercased(), let setting = SettingsSchema.byPath[path] else {
                report(
                    ConfigurationProblem(source: "environment", keyPath: name, message: Self.unknownVariableMessage(name, path: path)))
                continue
            }
            let input: SettingInput
            do {
                input = try SettingInput.parse(yaml: text)
            } catch {
                report(
                    ConfigurationProblem(
                        source: source, keyPath: path, message: "is not a YAML value (\(error.message)); quote it, such as '\"text\"'"))
                continue
            }
            // Lines of a one-line value would only say "line 1".
            apply(setting, text.isEmpty ? SettingInput(.null) : input, origin: Origin(source: source), keepsLines: false)
        }
    }

    static let environmentPrefix = "HAMLET_"

    /// `HAMLET_DRIFT__PAGE_HINKLEY__THRESHOLD` → `drift.page_hinkley.threshold`.
    static func keyPath(forEnvironmentVariable name: String) -> String {
        var rest = Substring(name.dropFirst(environmentPrefix.count))
        var parts: [Substring] = []
        while let separator = rest.firstRange(of: "__") {
            parts.append(rest[..<separator.lowerBound])
            rest = rest[separator.upperBound...]
        }
        parts.append(rest)
        return parts.map { $0.lowercased() }.joined(separator: ".")
    }

    /// `drift.page_hinkley.threshold` → `HAMLET_DRIFT__PAGE_HINKLEY__THRESHOLD`.
    static func environmentVariable(forKeyPath path: String) -> String {
        environmentPrefix + path.split(separator: ".").map { $0.uppercased() }.joined(separator: "__")
    }

    private static func unknownVariableMessage(_ name: String, path: String) -> String {
        if name != name.uppercased() {
            return "must be upper case, such as \(environmentVariable(forKeyPath: path))"
        }
        if !path.isEmpty, let keys = SettingsSchema.children[path] {
            let example = environmentVariable(forKeyPath: path + "." + keys[0])
            return "names the section \(path), not a setting; set one of its keys, such as \(example)"
        }
        var message = "names no setting (\(path)); variables are HAMLET_<SECTION>__<KEY>, with __ between levels"
        if let near = NearestName.suggestion(for: path, among: SettingsSchema.all.map(\.path)) {
            message += "; did you mean \(environmentVariable(forKeyPath: near))?"
        }
        return message
    }

    // MARK: Overrides

    /// Applies the control plane's overrides; an unknown key path is a problem.
    mutating func applyOverrides(_ overrides: ConfigurationOverrides, sourceName: String) {
        for (path, value) in overrides.values.sorted(by: { $0.key < $1.key }) {
            guard let setting = SettingsSchema.byPath[path] else {
                var message = "names no setting"
                if let near = NearestName.suggestion(for: path, among: SettingsSchema.all.map(\.path)) {
                    message += "; did you mean \(near)?"
                } else if !path.isEmpty, let keys = SettingsSchema.children[path] {
                    message = "is a section; override one of its keys, such as \(path).\(keys[0])"
                }
                report(ConfigurationProblem(source: sourceName, keyPath: path, message: message))
                continue
            }
            apply(setting, value.input, origin: Origin(source: sourceName))
        }
    }

    // MARK: Validation

    private mutating func apply(_ setting: Setting, _ input: SettingInput, origin: Origin, keepsLines: Bool = true) {
        let found = setting.read(input, &configuration)
        if found.isEmpty { origins[setting.path] = origin }
        for problem in found {
            report(
                ConfigurationProblem(
                    source: origin.source, line: keepsLines ? problem.line ?? origin.line : nil, keyPath: setting.path + problem.suffix,
                    message: problem.message))
        }
    }

    /// The problem at `path`, attributed to the layer that set it, or else to the layer that set
    /// the first of `related` that one did (the setting that made `path` matter).
    func problem(at path: String, related: [String] = [], _ message: String) -> ConfigurationProblem {
        let keyPath = path.prefix(while: { $0 != "[" })
        let origin = ([String(keyPath)] + related).lazy.compactMap { origins[$0] }.first
        return ConfigurationProblem(
            source: origin?.source ?? baseSourceName, line: origin?.line, keyPath: path, message: message)
    }

    /// The configuration if every value is in range and the settings agree with each other.
    func validated() throws(ConfigurationErrors) -> AgentConfiguration {
        var found = problems
        for setting in SettingsSchema.all {
            for problem in setting.check(configuration) {
                found.append(self.problem(at: setting.path + problem.suffix, problem.message))
            }
        }
        found += CrossSettingRules.problems(of: configuration, alreadyFound: found, builder: self)
        if unlistedProblems > 0 {
            found.append(
                ConfigurationProblem(
                    source: baseSourceName, keyPath: "",
                    message: "and \(unlistedProblems) more problems not listed; fix these first"))
        }
        guard found.isEmpty else { throw ConfigurationErrors(problems: found) }
        return configuration
    }
}
