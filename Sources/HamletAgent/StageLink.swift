import MQTTTransport
import LearningPipeline

/// One pipeline stage's messages through the broker: it publishes what its neighbours need and
/// waits, in lockstep, for the message of the step it needs (docs/stages.md).
///
/// Topics under `<prefix>/stage/`: `<k>/forward` carries stage k's state up to stage k+1,
/// `<k>/backward` its costate down to stage k−1, and `input` the first stage's input and target
/// of each step to the last stage. Each stage stamps its messages with its own life (a number
/// that grows with every start): a receiver keeps to the newest life of each sender and refuses
/// older ones, and refuses messages of another model; both are counted. Messages of a step
/// already passed are dropped and counted; messages of later steps wait (a neighbour may run a
/// few steps ahead). QoS 1, so a message is not lost to a busy socket.
public final class StageLink {
    public let stage: Int
    public let stageCount: Int
    public let prefix: String
    public let model: UInt64
    /// This stage's life, stamped on what it sends.
    public let life: UInt32
    let client: MQTTClient
    let queue: MQTTMessageQueue
    /// Messages that arrived before they were needed, by kind and step.
    var early: [Key: [Float]] = [:]
    /// Messages held at most before they are needed; beyond, the oldest step's goes.
    public static let earlyLimit = 4_096
    /// Messages refused: damaged, of another model, or of an older life of their sender.
    public internal(set) var refusedMessages = 0
    /// Messages of a step this stage had already passed.
    public internal(set) var staleMessages = 0
    /// Held messages dropped for newer ones beyond `earlyLimit` (a neighbour above was away long).
    public internal(set) var droppedMessages = 0
    /// Asked about every 100 ms while a receive waits: a stop request ends the wait with
    /// `.stopped` (a service's stop must not wait for a neighbour), and its idle work (the
    /// service's watchdog and checkpoints) runs.
    public var context = RunContext()
    /// Called when a receive finds nothing held and nothing queued, just before it blocks: the
    /// last stage writes the predictions it held back for one TCP segment (as `hamlet run` does
    /// before it waits for a sensor message), so a prediction never waits for housekeeping.
    public var beforeWait: () -> Void = {}
    /// A neighbour that sends to this stage and is silent this long is gone.
    public var silenceTimeout: Duration = .seconds(10)
    /// Called when a neighbour goes (`isGone`) or comes back, with what is known of it.
    public var onNeighbourChange: (StageNeighbour) -> Void = { _ in }
    /// Every neighbour (`neighbours`), by stage.
    public internal(set) var neighbourRecords: [Int: StageNeighbour] = [:]
    /// Set by `startWatching`: before, a neighbour's absence is only the wait before the start.
    public internal(set) var isWatching = false
    /// The topic of each kind this stage reads.
    var readTopics: [String: StageMessage.Kind] = [:]

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
        for kind in readKinds { readTopics[Self.topic(prefix, kind, from: sender(of: kind))] = kind }
        let now = ContinuousClock.now
        for k in neighbours {
            neighbourRecords[k] = StageNeighbour(stage: k, sends: senders.contains(k), reads: readers.values.contains(k), now: now)
        }
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

    /// The stage that sends this one messages of `kind`.
    func sender(of kind: StageMessage.Kind) -> Int {
        switch kind {
        case .state: stage - 1
        case .costate: stage + 1
        case .inputAndTarget: 0
        }
    }

    /// The kinds this stage reads, each from one sender.
    var readKinds: [StageMessage.Kind] {
        var kinds: [StageMessage.Kind] = []
        if stage > 0 { kinds.append(.state) }
        if !isLast { kinds.append(.costate) }
        if isLast && !isFirst { kinds.append(.inputAndTarget) }
        return kinds
    }

    /// The stages that send this one messages.
    var senders: Set<Int> { Set(readKinds.map(sender(of:))) }

    /// The stage that reads each kind this one sends.
    var readers: [StageMessage.Kind: Int] {
        var readers: [StageMessage.Kind: Int] = [:]
        if !isLast { readers[.state] = stage + 1 }
        if !isFirst { readers[.costate] = stage - 1 }
        if isFirst && !isLast { readers[.inputAndTarget] = stageCount - 1 }
        return readers
    }

    /// Publishes this stage's message of `kind` for `step`.
    public func send(_ kind: StageMessage.Kind, step: UInt64, values: [Float]) {
        let payload = StageMessage(kind: kind, step: step, model: model, life: life, values: values).payload
        bytesSent += payload.count
        if isWatching, let reader = readers[kind], neighbourRecords[reader]?.sentSinceHeard == nil {
            neighbourRecords[reader]?.sentSinceHeard = ContinuousClock.now
        }
        client.publish(topic: Self.topic(prefix, kind, from: stage), payload: payload, qos: .atLeastOnce)
    }

    /// Bytes of the payloads this stage has published and accepted.
    public private(set) var bytesSent = 0
    public private(set) var bytesReceived = 0

    /// The decoded message, if it is of this network and of its sender's newest life; counts it
    /// either way. A status message updates the neighbour's record and gives nil.
    func accept(_ message: MQTTMessage) -> StageMessage? {
        if let neighbour = neighbour(reportingStatusOn: message.topic) {
            noteStatus(String(decoding: message.payload, as: UTF8.self), of: neighbour)
            return nil
        }
        let kind = readTopics[message.topic]
        guard let kind, let decoded = try? StageMessage(payload: message.payload), decoded.kind == kind, decoded.model == model else {
            refuse(from: kind.map(sender(of:)))
            return nil
        }
        let from = sender(of: kind)
        if let known = neighbourRecords[from]?.life, known != decoded.life {
            guard decoded.life > known else {
                refuse(from: from)
                return nil
            }
            // A new life: what its older life sent and is still held belongs to another run of it.
            for key in early.keys where key.kind == kind { early[key] = nil }
        }
        bytesReceived += message.payload.count
        heard(from: from, life: decoded.life, step: decoded.step)
        return decoded
    }

    func refuse(from stage: Int?) {
        refusedMessages += 1
        if let stage { neighbourRecords[stage]?.rejected += 1 }
    }

    /// Holds a message that arrived before it was needed. Beyond `earlyLimit` the held message of
    /// the oldest step goes: after a long absence of a stage above, the newest are the ones the
    /// stages will realign on.
    func keep(_ message: StageMessage) {
        if early.count >= Self.earlyLimit, let oldest = early.keys.min(by: { $0.step < $1.step }) {
            early[oldest] = nil
            droppedMessages += 1
        }
        early[Key(kind: message.kind, step: message.step)] = message.values
    }
}

/// Why a stage cannot go on.
public enum StageLinkError: Error, Equatable, CustomStringConvertible {
    case needsMessageQueue
    case noSuchStage(Int, of: Int)
    case subscription(String)
    case wrongSize(kind: StageMessage.Kind, step: UInt64, expected: Int, found: Int)
    /// The run context held a stop request while waiting.
    case stopped
    /// The stage realigned on its neighbours past its step limit (`PipelineStageRunner.stepLimit`).
    case limitReached

    public var description: String {
        switch self {
        case .needsMessageQueue: "a stage link reads its messages from the MQTT client's queue: use MQTTMessageDelivery.queue"
        case .noSuchStage(let stage, let count): "stage \(stage) does not exist in a pipeline of \(count) stages"
        case .subscription(let reason): "could not subscribe to the neighbours' topics: \(reason)"
        case .wrongSize(let kind, let step, let expected, let found):
            "the \(kind) message of step \(step) holds \(found) values where this stage's network needs \(expected)"
        case .stopped: "stopped while waiting for a neighbouring stage's message"
        case .limitReached: "the neighbouring stages are past this stage's step limit"
        }
    }
}
