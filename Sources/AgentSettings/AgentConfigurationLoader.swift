/// Builds the effective `AgentConfiguration` from its layers, lowest first: built-in defaults ←
/// YAML file ← `HAMLET_…` environment variables ← the control plane's overrides file.
///
/// Every entry point reports all problems at once (unknown keys with a "did you mean", wrong
/// types, out-of-range values, settings that contradict each other), each with its key path and
/// the file or variable to fix; none returns a configuration that failed a check.
public enum AgentConfigurationLoader {
    /// The largest configuration or overrides file read (1 MiB); a larger one is refused before parsing.
    public static let maximumFileBytes = 1 << 20

    /// The configuration from the YAML file at `path` (nil = defaults only), `environment`, and the
    /// overrides file at `overridesPath` (nil = none; a missing file = no overrides).
    ///
    /// The overrides file lives in the state directory, which the configuration itself can name:
    /// load with `overridesPath: nil` first, then `applying(_:to:)` the overrides found at
    /// `resolvedOverridesPath(environment:)`; the first result is also the base later overrides
    /// are validated against.
    public static func load(
        path: String?, environment: [String: String], overridesPath: String?
    ) throws(ConfigurationErrors) -> AgentConfiguration {
        var builder = ConfigurationBuilder(baseSourceName: path ?? "defaults")
        if let path {
            do {
                if let text = try TextFile.contents(of: path, maximumBytes: maximumFileBytes) {
                    builder.applyYAML(text, sourceName: path)
                } else {
                    builder.report(
                        ConfigurationProblem(
                            source: path, keyPath: "",
                            message: "does not exist; give the path of a YAML configuration (config/hamlet.yaml is a complete example)"))
                }
            } catch {
                builder.report(ConfigurationProblem(source: path, keyPath: "", message: error.description))
            }
        }
        builder.applyEnvironment(environment)
        if let overridesPath {
            do {
                builder.applyOverrides(try ConfigurationOverrides.load(path: overridesPath), sourceName: overridesPath)
            } catch {
                for problem in error.problems { builder.report(problem) }
            }
        }
        return try builder.validated()
    }

    /// The configuration from YAML text; `sourceName` stands for the file name in problems.
    public static func parse(
        yaml: String, sourceName: String, environment: [String: String] = [:],
        overrides: ConfigurationOverrides = ConfigurationOverrides(), overridesSourceName: String = "overrides"
    ) throws(ConfigurationErrors) -> AgentConfiguration {
        var builder = ConfigurationBuilder(baseSourceName: sourceName)
        builder.applyYAML(yaml, sourceName: sourceName)
        builder.applyEnvironment(environment)
        builder.applyOverrides(overrides, sourceName: overridesSourceName)
        return try builder.validated()
    }

    /// `base` with `overrides` applied and the whole result validated again: how the control plane
    /// checks a proposed change before saving it. `base` is the configuration below the overrides
    /// layer (file and environment); applying the same overrides twice changes nothing.
    public static func applying(
        _ overrides: ConfigurationOverrides, to base: AgentConfiguration, sourceName: String = "overrides"
    ) throws(ConfigurationErrors) -> AgentConfiguration {
        var builder = ConfigurationBuilder(base: base, baseSourceName: "base configuration")
        builder.applyOverrides(overrides, sourceName: sourceName)
        return try builder.validated()
    }
}
