import AgentSettings
import FuzzSupport

/// The YAML settings loader, through its public entry point for text. A configuration it accepts
/// is described by `effectiveSettings` (JSON, hence YAML) well enough to load back as itself: what
/// the control plane shows as the configuration is the configuration. Every refusal names a source.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSettingsYAML(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let text = String(decoding: fuzzBytes(data, count), as: UTF8.self)
    let configuration: AgentConfiguration
    do {
        configuration = try AgentConfigurationLoader.parse(yaml: text, sourceName: "fuzz.yaml")
    } catch {
        fuzzCheck(!error.problems.isEmpty, "refused without a problem")
        for problem in error.problems {
            fuzzCheck(!problem.message.isEmpty && !problem.source.isEmpty, "a problem without a message or source: \(problem)")
        }
        return 0
    }
    let shown = configuration.effectiveSettings
    do {
        let again = try AgentConfigurationLoader.parse(yaml: shown, sourceName: "effective settings")
        fuzzCheck(again == configuration, "the effective settings load as another configuration: \(shown)")
    } catch {
        fuzzCheck(false, "the effective settings of an accepted configuration are refused: \(error) in \(shown)")
    }
    return 0
}
