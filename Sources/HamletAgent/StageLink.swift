import MQTTTransport

/// One pipeline stage's messages through the broker: it publishes what its neighbours need and
/// waits, in lockstep, for exactly the message of the step it needs (docs/stages.md).
///
/// Topics under `<prefix>/stage/`: `<k>/forward` carries stage k's state up to stage k+1,
/// `<k>/backward` its costate down to stage k−1, and `input` the first stage's input and target
/// of each step to the last stage. Messages of another model or another life are refused and
/// counted; messages of a step already passed are dropped and counted; messages of later steps
/// wait (a neighbour may run a few steps ahead). QoS 1, so a message is not lost to a busy socket.
public final class StageLink {
    public let stage: Int
    public let stageCount: Int
    public let prefix: String
    public let model: UInt64
    public let life: UInt32
    let client: MQTTClient
    let queue: MQTTMessageQueue
    /// Messages that arrived before they were needed, by kind and step.
    var early: [Key: [Float]] = [:]
    /// Messages held at most before they are needed.
    public static let earlyLimit = 4_096
    /// Messages refused: damaged, of another model or life, or beyond `earlyLimit`.
    public private(set) var refusedMessages = 0
    /// Messages of a step this stage had already passed.
    public private(set) var staleMessages = 0
    /// Asked about every 100 ms while `receive` waits: true ends the wait with `.stopped`
    /// (a service's stop request must not wait for a neighbour's timeout).
    public var shouldStop: () -> Bool = { false }
    /// The neighbours' latest retained status ("online", "offline"), by stage (`awaitNeighbours`).
    public internal(set) var neighbourStatus: [Int: String] = [:]

    struct Key: Hashable {
        let kind: StageMessage.Kind
        let step: UInt64
    }

    public var isFirst: Bool { stage == 0 }
    public var isLast: Bool { stage == stageCount - 1 }

    /// `client` must deliver to its queue (`MQTTMessageDelivery.queue`); the link subscribes to
    /// the topics this stage reads.
    public init(client: MQTTClient, prefix: String, stage: Int, stageCount: Int, model: UInt64, life: UInt32) throws(StageLinkError) {
        guard let queue = client.messages else { throw .needsMessageQueue }
        guard stageCount >= 1, (0..<stageCount).contains(stage) else { throw .noSuchStage(stage, of: stageCount) }
        (self.client, self.queue, self.prefix, self.stage, self.stageCount, self.model, self.life) =
            (client, queue, prefix, stage, stageCount, model, life)
        do {
            for topic in subscriptions + neighbours.map({ Self.statusTopic(prefix, stage: $0) }) {
                try client.subscribe(topic, qos: .atLeastOnce)
            }
        } catch {
            throw .subscription(error.description)
        }
    }

    /// What this stage reads: the state from below, the costate from above, and (last stage) the input.
    public var subscriptions: [String] {
        var topics: [String] = []
        if stage > 0 { topics.append(Self.topic(prefix, .state, from: stage - 1)) }
        if !isLast { topics.append(Self.topic(prefix, .costate, from: stage + 1)) }
        if isLast && !isFirst { topics.append("\(prefix)/stage/input") }
        return topics
    }

    static func topic(_ prefix: String, _ kind: StageMessage.Kind, from stage: Int) -> String {
        switch kind {
        case .state: "\(prefix)/stage/\(stage)/forward"
        case .costate: "\(prefix)/stage/\(stage)/backward"
        case .inputAndTarget: "\(prefix)/stage/input"
        }
    }

    /// Publishes this stage's message of `kind` for `step`.
    public func send(_ kind: StageMessage.Kind, step: UInt64, values: [Float]) {
        let payload = StageMessage(kind: kind, step: step, model: model, life: life, values: values).payload
        bytesSent += payload.count
        client.publish(topic: Self.topic(prefix, kind, from: stage), payload: payload, qos: .atLeastOnce)
    }

    /// Bytes of the payloads this stage has published and accepted.
    public private(set) var bytesSent = 0
    public private(set) var bytesReceived = 0
    /// The newest step seen in a message from below (state) and from above (costate).
    public private(set) var newestFromBelow: UInt64?
    public private(set) var newestFromAbove: UInt64?

    /// The values of the neighbour's message of `kind` for `step`, waiting up to `timeout`.
    public func receive(_ kind: StageMessage.Kind, step: UInt64, timeout: Duration) throws(StageLinkError) -> [Float] {
        let key = Key(kind: kind, step: step)
        if let values = early.removeValue(forKey: key) { return values }
        let deadline = ContinuousClock.now + timeout
        while true {
            if shouldStop() { throw .stopped }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw .neighbourSilent(kind: kind, step: step, afterSeconds: Double(timeout.components.seconds)) }
            guard let message = queue.pop(timeout: min(left, .milliseconds(100))), let decoded = accept(message) else { continue }
            if Key(kind: decoded.kind, step: decoded.step) == key { return decoded.values }
            if decoded.kind == kind && decoded.step < step {
                staleMessages += 1
            } else {
                keep(decoded)
            }
        }
    }

    /// Without waiting: the newest costate from above of a step in `steps`, or nil. Costates older
    /// than the newest one taken are dropped (counted stale when older than `steps`).
    public func newestCostate(in steps: ClosedRange<UInt64>) -> (step: UInt64, values: [Float])? {
        while let message = queue.tryPop() {
            if let decoded = accept(message) { keep(decoded) }
        }
        let held = early.keys.filter { $0.kind == .costate }
        guard let newest = held.filter({ steps.contains($0.step) }).max(by: { $0.step < $1.step }) else {
            for key in held where key.step < steps.lowerBound {
                early[key] = nil
                staleMessages += 1
            }
            return nil
        }
        for key in held where key.step < newest.step {
            early[key] = nil
            if key.step < steps.lowerBound { staleMessages += 1 }
        }
        return early.removeValue(forKey: newest).map { (newest.step, $0) }
    }

    /// The decoded message, if it is of this network and life; counts it either way.
    func accept(_ message: MQTTMessage) -> StageMessage? {
        if let neighbour = neighbour(reportingStatusOn: message.topic) {
            neighbourStatus[neighbour] = String(decoding: message.payload, as: UTF8.self)
            return nil
        }
        guard let decoded = try? StageMessage(payload: message.payload), decoded.model == model, decoded.life == life else {
            refusedMessages += 1
            return nil
        }
        bytesReceived += message.payload.count
        switch decoded.kind {
        case .state, .inputAndTarget: newestFromBelow = max(newestFromBelow ?? 0, decoded.step)
        case .costate: newestFromAbove = max(newestFromAbove ?? 0, decoded.step)
        }
        return decoded
    }

    /// Holds a message that arrived before it was needed; a bounded number of them (a source
    /// paced faster than the stages above can follow loses its newest inputs, counted refused).
    func keep(_ message: StageMessage) {
        guard early.count < Self.earlyLimit else {
            refusedMessages += 1
            return
        }
        early[Key(kind: message.kind, step: message.step)] = message.values
    }
}

/// Why a stage cannot go on.
public enum StageLinkError: Error, Equatable, CustomStringConvertible {
    case needsMessageQueue
    case noSuchStage(Int, of: Int)
    case subscription(String)
    case neighbourSilent(kind: StageMessage.Kind, step: UInt64, afterSeconds: Double)
    case wrongSize(kind: StageMessage.Kind, step: UInt64, expected: Int, found: Int)
    /// `StageLink.shouldStop` said so while waiting.
    case stopped

    public var description: String {
        switch self {
        case .needsMessageQueue: "a stage link reads its messages from the MQTT client's queue: use MQTTMessageDelivery.queue"
        case .noSuchStage(let stage, let count): "stage \(stage) does not exist in a pipeline of \(count) stages"
        case .subscription(let reason): "could not subscribe to the neighbours' topics: \(reason)"
        case .neighbourSilent(let kind, let step, let seconds):
            "no \(kind) message of step \(step) from the neighbouring stage within \(seconds) s: is it running, with the same model?"
        case .wrongSize(let kind, let step, let expected, let found):
            "the \(kind) message of step \(step) holds \(found) values where this stage's network needs \(expected)"
        case .stopped: "stopped while waiting for a neighbouring stage's message"
        }
    }
}
