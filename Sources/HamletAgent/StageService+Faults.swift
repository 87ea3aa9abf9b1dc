import LearningPipeline

/// A neighbouring stage going away and coming back (docs/stages.md, "Faults"): an alert on the
/// agent's alert topic (the last stage's outputs), a log line, and systemd's status.
extension StageService {
    func neighbourChanged(_ neighbour: StageNeighbour) {
        let report = AlertReport(.stageNeighbour(neighbour, stage: runner.link.stage), step: Int64(runner.steps), position: nil)
        if let reason = neighbour.goneReason {
            logger.warning("\(name): stage \(neighbour.stage) is gone (\(reason)) at step \(runner.steps); \(whatGoesOn(without: neighbour.stage))")
        } else {
            logger.notice("\(name): stage \(neighbour.stage) is back at step \(runner.steps) after \(neighbour.lastAbsenceSeconds) s")
        }
        do {
            try alerts.alert(report)
        } catch {
            logger.error("could not publish the alert \(JSONLine.text(report)): \(error)")
        }
        notifier.status(statusText)
    }

    /// What this stage does while `gone` is away.
    func whatGoesOn(without gone: Int) -> String {
        let link = runner.link
        if gone < link.stage || (link.isLast && gone == 0) { return "this stage waits for its data" }
        return "this stage goes on without its costates (its weights stand still meanwhile)"
    }

    /// systemd's status line: the step, the rate, and the neighbours that are gone.
    var statusText: String {
        let gone = runner.link.goneNeighbours.map { k in "stage \(k) gone (\(runner.link.neighbourRecords[k]?.goneReason ?? "?"))" }
        return "\(name): step \(runner.steps), \(Int(stepsPerSecond)) steps/s" + (gone.isEmpty ? "" : "; " + gone.joined(separator: ", "))
    }
}
