import MQTTTransport

/// Waiting for a neighbour's message (docs/stages.md, "Faults").
///
/// One sender's messages arrive in order (one MQTT client, one topic, QoS 1), so once a message of
/// a later step has come, the one of the step a stage waits for never will (a neighbour restarted,
/// or a broker restart lost it): the wait ends with the later one, and the caller realigns.
extension StageLink {
    /// What came for the step a stage needs.
    public enum Arrival: Equatable {
        /// The message of that step.
        case exact([Float])
        /// None for that step, but one of this later step (the earliest held): that step's is lost.
        case later(step: UInt64)
        /// Nothing yet.
        case none
    }

    /// The message of `kind` for `step`, or the news that it can no longer come. Waits until one
    /// of them, or until `giveUp` (`.none`); `.stopped` on a stop. While it waits: every 100 ms,
    /// the neighbours' silence is judged and the context's idle work runs. A `.later` message stays held.
    public func receive(_ kind: StageMessage.Kind, atLeast step: UInt64, giveUp: () -> Bool = { false }) throws(StageLinkError) -> Arrival {
        while true {
            let found = held(kind, atLeast: step)
            if found != .none { return found }
            if context.isStopRequested { throw .stopped }
            if giveUp() { return .none }
            if let message = nextMessage() {
                guard let decoded = accept(message) else { continue }
                if decoded.kind == kind && decoded.step < step {
                    staleMessages += 1
                    neighbourRecords[sender(of: kind)]?.stale += 1
                } else {
                    keep(decoded)
                }
            } else {
                checkSilence()
                context.idle()
            }
        }
    }

    /// The next message in the client's queue, waiting up to 100 ms; `beforeWait` runs first
    /// when the queue is empty, so what the stage held back goes out while it would only wait.
    func nextMessage() -> MQTTMessage? {
        if let message = queue.tryPop() { return message }
        beforeWait()
        return queue.pop(timeout: .milliseconds(100))
    }

    /// Without waiting: the held message of `kind` for `step` (taken), else news of a later one.
    public func held(_ kind: StageMessage.Kind, atLeast step: UInt64) -> Arrival {
        if let values = early.removeValue(forKey: Key(kind: kind, step: step)) { return .exact(values) }
        var later: UInt64?
        for key in early.keys where key.kind == kind {
            if key.step > step {
                later = min(later ?? key.step, key.step)
            } else {
                early[key] = nil
                staleMessages += 1
                neighbourRecords[sender(of: kind)]?.stale += 1
            }
        }
        return later.map { .later(step: $0) } ?? .none
    }

    /// Takes every message waiting in the client's queue, without waiting.
    func drainQueue() {
        while let message = queue.tryPop() {
            if let decoded = accept(message) { keep(decoded) }
        }
    }

    /// Without waiting: the newest costate from above of a step in `steps`, or nil. Costates older
    /// than the newest one taken are dropped (counted stale when older than `steps`).
    public func newestCostate(in steps: ClosedRange<UInt64>) -> (step: UInt64, values: [Float])? {
        drainQueue()
        let held = early.keys.filter { $0.kind == .costate }
        let above = sender(of: .costate)
        guard let newest = held.filter({ steps.contains($0.step) }).max(by: { $0.step < $1.step }) else {
            for key in held where key.step < steps.lowerBound {
                early[key] = nil
                staleMessages += 1
                neighbourRecords[above]?.stale += 1
            }
            return nil
        }
        for key in held where key.step < newest.step {
            early[key] = nil
            if key.step < steps.lowerBound {
                staleMessages += 1
                neighbourRecords[above]?.stale += 1
            }
        }
        return early.removeValue(forKey: newest).map { (newest.step, $0) }
    }
}
