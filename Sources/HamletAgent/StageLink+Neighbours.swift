import MQTTTransport
import LearningPipeline

/// Who is there: each stage's MQTT client keeps a retained status on `<prefix>/stage/<k>/status`
/// (`online` once connected, `offline` on close and as its Will), so a stage starts sending only
/// when the stages that read its messages are there to get them; afterwards the same statuses,
/// and the silence of a neighbour that should be sending, say when one is gone (docs/stages.md).
///
/// An `online` proves the subscriptions: a client subscribes before it publishes its status, and
/// the broker handles one connection's packets in order. Without this wait, the first messages of
/// a stage started before its neighbours would be lost and lockstep would wait for them forever.
extension StageLink {
    /// The status topic of stage `k` (the topic of its client's `MQTTStatusConfiguration`).
    public static func statusTopic(_ prefix: String, stage k: Int) -> String { "\(prefix)/stage/\(k)/status" }

    /// The stages this one sends to or reads from: the ones next to it, and the first and last for each other.
    public var neighbours: [Int] {
        var stages = [stage - 1, stage + 1].filter { (0..<stageCount).contains($0) }
        if isFirst && !isLast && !stages.contains(stageCount - 1) { stages.append(stageCount - 1) }
        if isLast && !isFirst && !stages.contains(0) { stages.append(0) }
        return stages.sorted()
    }

    /// The neighbours' latest retained status ("online", "offline"), by stage.
    public var neighbourStatus: [Int: String] { neighbourRecords.compactMapValues(\.status) }

    /// The neighbours whose status is not `online` now.
    public var absentNeighbours: [Int] { neighbours.filter { neighbourRecords[$0]?.status != "online" } }

    /// The neighbours that are gone now.
    public var goneNeighbours: [Int] { neighbours.filter { isGone($0) } }

    public func isGone(_ k: Int) -> Bool { neighbourRecords[k]?.isGone ?? false }

    /// Waits until every neighbour is `online`, running the context's idle work about every
    /// 100 ms; false at a stop request. Stage messages that arrive meanwhile are kept for their
    /// step. The neighbours' silence is judged from the return on.
    public func awaitNeighbours() -> Bool {
        while !absentNeighbours.isEmpty {
            if context.isStopRequested { return false }
            if let message = queue.pop(timeout: .milliseconds(100)), let decoded = accept(message) { keep(decoded) }
            context.idle()
        }
        startWatching()
        return true
    }

    /// From now on, neighbours going and coming back are told to `onNeighbourChange`, and the
    /// silence of a sending neighbour counts from now.
    public func startWatching() {
        let now = ContinuousClock.now
        for k in neighbours {
            neighbourRecords[k]?.lastHeard = now
            neighbourRecords[k]?.sentSinceHeard = nil
        }
        isWatching = true
    }

    /// The stage whose status topic `topic` is, nil for any other topic.
    func neighbour(reportingStatusOn topic: String) -> Int? {
        let head = "\(prefix)/stage/"
        guard topic.hasPrefix(head), topic.hasSuffix("/status") else { return nil }
        return Int(topic.dropFirst(head.count).dropLast("/status".count))
    }

    /// `offline` makes the neighbour gone (and forgets its life: whatever life it comes back
    /// with is the one to listen to); `online` brings it back.
    func noteStatus(_ status: String, of k: Int) {
        guard neighbourRecords[k] != nil else { return }
        neighbourRecords[k]!.status = status
        guard isWatching else { return }
        if status == "offline" {
            neighbourRecords[k]!.life = nil
            markGone(k, reason: "offline")
        } else if status == "online" {
            markBack(k)
        }
    }

    /// An accepted message of `step` from neighbour `k`'s `life`.
    func heard(from k: Int, life: UInt32, step: UInt64) {
        guard neighbourRecords[k] != nil else { return }
        neighbourRecords[k]!.life = life
        neighbourRecords[k]!.newestStep = max(neighbourRecords[k]!.newestStep ?? 0, step)
        neighbourRecords[k]!.lastHeard = ContinuousClock.now
        neighbourRecords[k]!.sentSinceHeard = nil
        markBack(k)
    }

    /// Names gone every sending neighbour silent for `silenceTimeout` (`StageNeighbour.silentSince`).
    public func checkSilence() {
        guard isWatching else { return }
        let now = ContinuousClock.now
        for (k, record) in neighbourRecords where record.sends && !record.isGone {
            guard let since = record.silentSince, now - since > silenceTimeout else { continue }
            markGone(k, reason: "silent for \(Self.seconds(silenceTimeout)) s")
        }
    }

    func markGone(_ k: Int, reason: String) {
        guard isWatching, var record = neighbourRecords[k], !record.isGone else { return }
        (record.goneReason, record.goneSince) = (reason, ContinuousClock.now)
        record.absences += 1
        neighbourRecords[k] = record
        onNeighbourChange(record)
    }

    func markBack(_ k: Int) {
        guard var record = neighbourRecords[k], record.isGone else { return }
        let now = ContinuousClock.now
        let away = now - (record.goneSince ?? now)
        record.lastAbsenceSeconds = Self.seconds(away)
        (record.goneReason, record.goneSince, record.lastHeard, record.sentSinceHeard) = (nil, nil, now, nil)
        neighbourRecords[k] = record
        onNeighbourChange(record)
    }

    /// Counts `count` steps run without, or skipped for want of, neighbour `k`'s message.
    func countMissing(_ count: Int, from k: Int) { neighbourRecords[k]?.missing += count }

    /// Counts a costate of neighbour `k` older than lockstep's, learned from.
    func countLate(from k: Int) { neighbourRecords[k]?.late += 1 }

    /// `duration` in seconds, to the millisecond, as the alerts and the log say it.
    static func seconds(_ duration: Duration) -> Double {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return Double(milliseconds) / 1_000
    }
}
