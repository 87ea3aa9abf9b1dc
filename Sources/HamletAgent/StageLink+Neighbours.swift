import MQTTTransport

/// Who is there: each stage's MQTT client keeps a retained status on `<prefix>/stage/<k>/status`
/// (`online` once connected, `offline` on close and as its Will), so a stage starts sending only
/// when the stages that read its messages are there to get them.
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

    /// The neighbours whose status is not `online` now.
    public var absentNeighbours: [Int] { neighbours.filter { neighbourStatus[$0] != "online" } }

    /// Waits until every neighbour is `online`, calling `onIdle` about every 100 ms; false when
    /// `shouldStop` said so first. Stage messages that arrive meanwhile are kept for their step.
    public func awaitNeighbours(shouldStop: () -> Bool, onIdle: () -> Void) -> Bool {
        while !absentNeighbours.isEmpty {
            if shouldStop() { return false }
            if let message = queue.pop(timeout: .milliseconds(100)), let decoded = accept(message) { keep(decoded) }
            onIdle()
        }
        return true
    }

    /// The stage whose status topic `topic` is, nil for any other topic.
    func neighbour(reportingStatusOn topic: String) -> Int? {
        let head = "\(prefix)/stage/"
        guard topic.hasPrefix(head), topic.hasSuffix("/status") else { return nil }
        return Int(topic.dropFirst(head.count).dropLast("/status".count))
    }
}
