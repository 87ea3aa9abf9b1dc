import Glibc
import JSONText
import MQTTTransport
import StreamFeatures
import VectorStream
import SystemPrimitives
import LearningPipeline

/// Records from MQTT sensor topics, assembled from each slot's latest value, and late targets
/// joined to the records they label.
///
/// Records are numbered by tick from 0; no record is made until every slot has had a value. A
/// malformed payload is counted and reported on the errors topic, and the run goes on. Messages
/// on the control topic go to `onControl` instead; while no record is due, the run context's idle
/// work runs every `idleInterval`, so the caller's housekeeping goes on without sensor traffic.
///
/// With `configuration.targets`, every record is remembered with its join key and input in a
/// `TargetJoiner` of `windowSteps`, and a complete target message becomes a `.joined` event from
/// `nextEvent()`; a target that finds no step (too old, not found — including one that came
/// before its step — or a duplicate) is counted in `missedTargets` and reported on the errors
/// topic with the reason. Allocates per message (parsing, events). Call from one thread.
///
/// Every record has a time (`configuration.time`): the newest time among the messages that last
/// set its slots, each dated by its payload's time field or, by default, by when it arrived.
public final class MQTTSensorSource: RecordSource {
    public let configuration: MQTTSensorConfiguration
    public let columns: [String]
    public var positionName: String { "tick" }
    /// A payload time field or the arrival time dates every record.
    public var recordsHaveTime: Bool { true }
    /// Messages rejected as malformed or lacking a slot's value (sensor or target).
    public private(set) var rejectedMessages = 0
    /// Targets joined to their step so far.
    public var joinedTargets: Int { joiner?.joined ?? 0 }
    /// Complete targets that found no step (too old, not found, duplicate).
    public var missedTargets: Int { joiner?.missed ?? 0 }
    /// Classify: a target must be a class index in 0..<K (from `configuration.targets`; settable
    /// for a K known only once a checkpoint is read). Other targets are rejected and reported.
    public var targetClassCount: Int?
    /// Receives each message on the link's control topic, on the calling thread of `next()`.
    public var onControl: ((MQTTMessage) -> Void)?
    public var idleInterval: Duration = .milliseconds(100)
    private let link: AgentMQTTLink
    /// Where malformed payloads and unjoinable targets are reported (the agent: its errors topic).
    private let rejections: any OutputSink
    private let assembler: SensorVectorAssembler
    private let context: RunContext
    private var nextStepTime = -Double.infinity
    private var tick = 0
    /// Events made by one message and not yet returned. At most one is a record, since every
    /// pending event is returned before the next message is read; its values are `recordValues`.
    private var pending: [Pending] = []
    private var recordValues: [Float]
    private var recordFlags: [Bool]
    // Late targets (nil/empty without `configuration.targets`).
    private let targetAssembler: SensorVectorAssembler?
    private let joiner: TargetJoiner?
    /// Sequence joining: each sensor slot's latest sequence number (nan when its message had none).
    private var sensorKeys: [Double]
    /// Each target slot's latest key (nan when its message had none).
    private var targetKeys: [Double]
    /// Sequence joining: the key of the last record; timestamp joining: the newest sensor timestamp.
    private var lastKey = -Double.infinity
    /// Each sensor slot's latest message time (epoch seconds; -infinity before its first value).
    private var slotTimes: [Double]

    /// Subscribes to the slots' (and targets') topics on `link`; connecting starts with the first
    /// `next()`. A stop request of `context` is seen at least every `idleInterval`, so a signal ends
    /// the run cleanly.
    public init(
        configuration: MQTTSensorConfiguration, link: AgentMQTTLink, rejections: any OutputSink,
        context: RunContext
    ) throws(LearnError) {
        if case .periodic(let seconds) = configuration.stepping {
            precondition(seconds > 0, "MQTTSensorSource needs a positive step period")
        }
        self.configuration = configuration
        self.link = link
        self.rejections = rejections
        self.context = context
        columns = configuration.slots.map(\.name)
        targetClassCount = configuration.targets?.classCount
        sensorKeys = [Double](repeating: .nan, count: configuration.slots.count)
        slotTimes = [Double](repeating: -.infinity, count: configuration.slots.count)
        recordValues = [Float](repeating: 0, count: configuration.slots.count)
        recordFlags = [Bool](repeating: false, count: configuration.slots.count)
        // The key and time fields are taken out of the values, so `--sensor topic` still reads one value.
        let parser = SensorPayloadParser(
            format: .json, timestampField: configuration.targets?.join.field, timeField: configuration.time.field)
        if let targets = configuration.targets {
            if case .timestamp = targets.join {
                assembler = SensorVectorAssembler(slots: configuration.slots, parser: parser, valueClock: .payloadTimestamp)
            } else {
                assembler = SensorVectorAssembler(slots: configuration.slots, parser: parser)
            }
            // Targets are dated by their step, not by a time of their own.
            targetAssembler = SensorVectorAssembler(
                slots: targets.slots, parser: SensorPayloadParser(format: .json, timestampField: targets.join.field))
            joiner = TargetJoiner(
                capacity: targets.windowSteps, predictionCount: 0, inputCount: configuration.slots.count,
                tolerance: targets.join.tolerance)
            targetKeys = [Double](repeating: .nan, count: targets.slots.count)
        } else {
            assembler = SensorVectorAssembler(slots: configuration.slots, parser: parser)
            targetAssembler = nil
            joiner = nil
            targetKeys = []
        }
        let filters = configuration.slots.map(\.topic.description) + (configuration.targets?.slots.map(\.topic.description) ?? [])
        for filter in Set(filters).sorted() { try link.subscribe(filter, qos: configuration.qos) }
    }

    /// The next record; joined targets are skipped (use `nextEvent(into:)` when targets are configured).
    public func next(into sample: inout Sample) throws(SourceError) -> Bool {
        while let event = nextEvent(into: &sample) {
            if case .record = event { return true }
        }
        return false
    }

    /// The next record (written into `sample`, with its join key when targets are configured)
    /// or joined target; nil once stopped or closed.
    public func nextEvent(into sample: inout Sample) -> RecordSourceEvent? {
        if nextStepTime == -.infinity {
            link.start()
            if case .periodic(let seconds) = configuration.stepping { nextStepTime = MonotonicClock.nowSeconds() + seconds }
        }
        while true {
            if !pending.isEmpty { return take(pending.removeFirst(), into: &sample) }
            if context.isStopRequested { return nil }
            switch configuration.stepping {
            case .perMessage:
                if let message = link.nextMessage(timeout: idleInterval) {
                    handle(message, stepsPerMessage: true)
                } else if link.isClosed {
                    return nil
                } else {
                    context.idle()
                }
            case .periodic(let period):
                let now = MonotonicClock.nowSeconds()
                let remaining = nextStepTime - now
                if remaining <= 0 {
                    // A loop that fell behind by more than a period starts afresh instead of bursting.
                    nextStepTime = max(nextStepTime + period, now)
                    if let record = assembledRecord() { pending.append(record) }
                    continue
                }
                let wait = min(Duration.nanoseconds(Int64(remaining * 1e9)), idleInterval)
                if let message = link.nextMessage(timeout: wait) {
                    handle(message, stepsPerMessage: false)
                    // Take everything already waiting before looking at the clock again.
                    while let more = link.takeMessage() { handle(more, stepsPerMessage: false) }
                } else if link.isClosed {
                    return nil
                } else {
                    context.idle()
                }
            }
        }
    }

    /// The record from the latest values (into `recordValues`), remembered for joining, or nil
    /// while a slot has none.
    private func assembledRecord() -> Pending? {
        let time = valueTime()
        let missing = recordValues.withUnsafeMutableBufferPointer { values in
            recordFlags.withUnsafeMutableBufferPointer { flags in assembler.assemble(at: time, into: values, flags: flags).missing }
        }
        guard missing == 0 else { return nil }
        defer { tick += 1 }
        var key: Double?
        if let joiner {
            key = lastKey
            recordValues.withUnsafeBufferPointer { input in
                joiner.record(step: tick, key: lastKey, prediction: UnsafeBufferPointer(start: nil, count: 0), input: input)
            }
        }
        return .record(position: tick, time: slotTimes.max(), joinKey: key)
    }

    private func take(_ event: Pending, into sample: inout Sample) -> RecordSourceEvent {
        switch event {
        case .record(let position, let time, let joinKey):
            sample.values.removeAll(keepingCapacity: true)
            for k in 0..<recordValues.count { sample.values.append(Double(recordValues[k])) }
            sample.position = position
            sample.time = time
            return .record(joinKey: joinKey)
        case .joined(let target):
            return .joined(target)
        }
    }

    /// Routes one message: control, sensor values (maybe completing a record), target values
    /// (maybe completing a target, which is then joined).
    private func handle(_ message: MQTTMessage, stepsPerMessage: Bool) {
        // The agent's own topics are never sensor input, even under a sensor filter such as `#`:
        // an error report about an error report would otherwise loop for ever.
        if message.topic.hasPrefix(link.topics.prefix + "/") {
            if message.topic == link.topics.control { onControl?(message) }
            return
        }
        if ingestSensor(message), stepsPerMessage, let record = assembledRecord() { pending.append(record) }
        ingestTarget(message)
    }

    /// True when the message updated a slot and, when joining by sequence, made a new sequence
    /// number complete in every slot.
    private func ingestSensor(_ message: MQTTMessage) -> Bool {
        let outcome = assembler.ingest(topic: message.topic, payload: message.payload, time: MonotonicClock.nowSeconds())
        switch outcome {
        case .rejected(let error):
            reject(message.topic, error.description)
            return false
        case .ignored:
            return false
        case .accepted:
            break
        }
        let time = assembler.lastTime ?? AgentClock.epochSeconds()
        for index in configuration.slots.indices where configuration.slots[index].topic.matches(message.topic) {
            slotTimes[index] = time
        }
        guard let join = configuration.targets?.join else { return true }
        let key = assembler.lastTimestamp
        switch join {
        case .timestamp:
            // The assembler rejects sensor payloads without the timestamp in this mode.
            lastKey = max(lastKey, key ?? lastKey)
            return true
        case .sequence(let field):
            for index in configuration.slots.indices where configuration.slots[index].topic.matches(message.topic) {
                sensorKeys[index] = key ?? .nan
            }
            guard let key else {
                reject(message.topic, "the sensor payload has no sequence field \(JSONText.string(field)); --join sequence needs it in every sensor message")
                return false
            }
            guard key > lastKey, sensorKeys.allSatisfy({ $0 == key }) else { return false }
            lastKey = key
            return true
        }
    }

    /// Joins a target once every target slot has a value with the same key.
    private func ingestTarget(_ message: MQTTMessage) {
        guard let targets = configuration.targets, let targetAssembler, let joiner else { return }
        switch targetAssembler.ingest(topic: message.topic, payload: message.payload, time: MonotonicClock.nowSeconds()) {
        case .rejected(let error):
            reject(message.topic, error.description)
            return
        case .ignored:
            return
        case .accepted:
            break
        }
        let key = targetAssembler.lastTimestamp
        for index in targets.slots.indices where targets.slots[index].topic.matches(message.topic) {
            targetKeys[index] = key ?? .nan
        }
        guard let key else {
            reject(message.topic, "the target payload has no \(keyName) field \(JSONText.string(targets.join.field)); every target message needs it")
            return
        }
        // A target with values on several topics waits for all of them.
        guard targetKeys.allSatisfy({ $0 == key }) else { return }
        let values = targetAssembler.assemble(at: MonotonicClock.nowSeconds()).values
        if let classes = targetClassCount {
            let label = values[0]
            guard label.rounded() == label, label >= 0, label < Float(classes) else {
                reject(message.topic, "the target class \(label) is not an integer in 0..<\(classes)")
                return
            }
        }
        switch joiner.join(key: key) {
        case .success(let match):
            pending.append(
                .joined(JoinedTarget(index: match.step, key: match.key, input: Array(joiner.input(of: match)), target: values)))
        case .failure(let miss):
            rejections.rejected(InputRejection(topic: message.topic, reason: missReason(miss, key: key)))
        }
    }

    private func reject(_ topic: String, _ reason: String) {
        rejectedMessages += 1
        rejections.rejected(InputRejection(topic: topic, reason: reason))
    }

    private var keyName: String {
        if case .timestamp = configuration.targets?.join { "timestamp" } else { "sequence" }
    }

    /// `seq 17` or `ts 1718000000.25`, as the key is spelled in the payloads.
    private func describe(key: Double) -> String {
        let field = configuration.targets?.join.field ?? "key"
        let number = key.rounded() == key && abs(key) < 1e15 ? String(Int64(key)) : "\(key)"
        return "\(field) \(number)"
    }

    /// Why a target missed, in words: "target seq 3 not joined: too old; …".
    private func missReason(_ miss: TargetJoiner.Miss, key: Double) -> String {
        let head = "target \(describe(key: key)) not joined: "
        switch miss {
        case .tooOld(let oldest):
            return head + "too old; the oldest of the \(configuration.targets?.windowSteps ?? 0) steps remembered has "
                + describe(key: oldest) + " (raise --join-window to wait longer)"
        case .notFound:
            let within = configuration.targets.map { $0.join.tolerance > 0 ? " within \($0.join.tolerance) s" : "" } ?? ""
            return head + "not found; no step has that \(keyName)\(within) (its sensor values never all arrived, "
                + "or the target came before them)"
        case .duplicate(let step):
            return head + "duplicate; step at tick \(step) already has its target"
        }
    }

    /// The clock values are dated by: epoch seconds when sensor payload timestamps date them.
    private func valueTime() -> Double {
        guard case .timestamp = configuration.targets?.join else { return MonotonicClock.nowSeconds() }
        return AgentClock.epochSeconds()
    }
}

/// An event of `MQTTSensorSource` made by a message and not yet returned.
private enum Pending {
    case record(position: Int, time: Double?, joinKey: Double?)
    case joined(JoinedTarget)
}
