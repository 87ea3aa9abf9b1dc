import JSONText
import SystemPrimitives
import LearningPipeline

/// A stage's metrics on `<mqtt.topic_prefix>/metrics` and its counts in the log (docs/stages.md).
extension StageService {
    /// Which stage, its steps and rate, the link's and runner's counts, and per neighbour: whether
    /// it is there, the lag in steps (this stage's step minus the newest it sent) and its counts.
    func publishMetrics(now: Double) {
        let steps = runner.steps
        stepsPerSecond = Double(steps &- lastMetrics.step) / max(now - lastMetrics.time, 1e-9)
        lastMetrics = (now, steps)
        let link = runner.link
        var members: [(String, JSONValue)] = [
            ("time", .double(AgentClock.epochSeconds())), ("stage", .integer(link.stage)), ("stages", .integer(link.stageCount)),
            ("steps", .integer(steps)), ("steps_per_second", .double(stepsPerSecond)), ("resumed_step", .integer(resumedStep)),
            ("life", .integer(Int(link.life))),
        ]
        members += counters.map { ($0.0, .integer($0.1)) }
        if let output { members.append(("loss_average", .double(output.recentMeanLoss))) }
        members.append(("neighbours", .array(link.neighbours.compactMap { link.neighbourRecords[$0].map(neighbourMetrics) })))
        var text = ""
        JSONValue.object(members.map { JSONMember(key: $0.0, value: $0.1) }).write(to: &text)
        self.link.client.publish(topic: self.link.topics.metrics, payload: Array(text.utf8), qos: .atMostOnce)
        notifier.status(statusText)
    }

    func neighbourMetrics(_ record: StageNeighbour) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("stage", .integer(record.stage)), ("state", .string(record.state)),
            ("reason", record.goneReason.map { .string($0) } ?? .null),
            ("lag_steps", record.newestStep.map { .integer(Int(runner.steps) - Int($0)) } ?? .null),
            ("absences", .integer(record.absences)),
        ]
        members += [("missing", record.missing), ("late", record.late), ("rejected", record.rejected), ("stale", record.stale)].map {
            ($0.0, .integer($0.1))
        }
        return .object(members.map { JSONMember(key: $0.0, value: $0.1) })
    }

    /// The link's and the runner's counts, by their names in the metrics.
    var counters: [(String, Int)] {
        let (link, steps) = (runner.link, max(Int(runner.steps - resumedStep), 1))
        return [
            ("refused_messages", link.refusedMessages), ("stale_messages", link.staleMessages),
            ("late_costates", runner.lateCostates), ("missing_costates", runner.missingCostates),
            ("skipped_steps", runner.skippedSteps), ("realignments", runner.realignments), ("dropped_messages", link.droppedMessages),
            ("bytes_sent_per_step", link.bytesSent / steps), ("bytes_received_per_step", link.bytesReceived / steps),
        ]
    }

    var countersText: String {
        "\(runner.steps) steps; " + counters.map { "\($0.0.split(separator: "_").joined(separator: " ")) \($0.1)" }.joined(separator: ", ")
    }
}
