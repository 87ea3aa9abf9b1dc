/// The rules of `model.stage` against the rest of the configuration: a stage is a part of a deep
/// `pipelined` network, its index and blocks must fit the network, and its messages need MQTT.
enum StageRules {
    /// Reports each problem through `report(path, related, message)`.
    static func check(_ c: AgentConfiguration, report: (_ path: String, _ related: [String], _ message: String) -> Void) {
        let stage = c.model.stage
        let defaults = AgentConfiguration.Model.Stage()
        guard stage.isEnabled else {
            if stage.index != defaults.index {
                report("model.stage.index", ["model.stage.count"], "applies only when model.stage.count is set; set both, or remove it")
            }
            if stage.blocks != defaults.blocks {
                report("model.stage.blocks", ["model.stage.count"], "applies only when model.stage.count is set; set both, or remove it")
            }
            return
        }
        var needs: [String] = []
        if c.model.kind != .deep { needs.append("model.kind: deep (got \(c.model.kind.rawValue))") }
        if c.learning.scheme != .pipelined { needs.append("learning.scheme: pipelined (got \(c.learning.scheme.rawValue))") }
        if !needs.isEmpty {
            report(
                "model.stage.count", ["model.kind", "learning.scheme"],
                "needs \(needs.joined(separator: " and ")): only a deep network whose blocks talk only to their neighbours is split into stages")
        }
        if stage.index >= stage.count {
            report(
                "model.stage.index", ["model.stage.count"],
                "must be less than model.stage.count (\(stage.count)): stages are numbered from 0, got \(stage.index)")
        }
        let layers = c.model.layers
        if stage.blocks.isEmpty {
            if stage.count > layers {
                report("model.stage.count", ["model.layers"], "must be at most model.layers (\(layers)): each stage runs at least one block")
            }
        } else if stage.blocks.count != stage.count {
            report(
                "model.stage.blocks", ["model.stage.count"],
                "lists \(stage.blocks.count) stages where model.stage.count is \(stage.count); give one block count per stage")
        } else if stage.blocks.reduce(0, +) != layers {
            report(
                "model.stage.blocks", ["model.layers"],
                "adds up to \(stage.blocks.reduce(0, +)) blocks where model.layers is \(layers): the stages together run every block once")
        }
        let blocksFit = stage.blocks.isEmpty ? stage.count <= layers : stage.blocks.count == stage.count
        if blocksFit, stage.index < stage.count, c.learning.threads > stage.blockRange(ofStage: stage.index, layers: layers).count {
            let own = stage.blockRange(ofStage: stage.index, layers: layers).count
            report(
                "learning.threads", ["model.stage.index"],
                "must be at most the \(own) blocks this stage runs: each thread runs at least one block, got \(c.learning.threads)")
        }
        if !c.mqtt.enabled {
            report("mqtt.enabled", ["model.stage.count"], "must be true when model.stage.count is set: the stages talk through the broker")
        }
    }
}
