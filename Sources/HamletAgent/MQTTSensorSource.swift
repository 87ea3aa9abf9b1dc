import Glibc
import MQTTTransport
import StreamFeatures
import VectorStream

/// Records from MQTT sensor topics, assembled from each slot's latest value.
///
/// Records are numbered by tick from 0; no record is made until every slot has had a value. A
/// malformed payload is counted and reported on the errors topic, and the run goes on. Messages
/// on the control topic go to `onControl` instead; while no record is due, `onIdle` runs every
/// `idleInterval`, so the caller's housekeeping goes on without sensor traffic. Call from one thread.
public final class MQTTSensorSource: RecordSource {
    public let configuration: MQTTSensorConfiguration
    public let columns: [String]
    public var positionName: String { "tick" }
    /// Messages rejected as malformed or lacking a slot's value.
    public private(set) var rejectedMessages = 0
    /// Receives each message on the link's control topic, on the calling thread of `next()`.
    public var onControl: ((MQTTMessage) -> Void)?
    /// Runs while waiting for a record, at least every `idleInterval`.
    public var onIdle: (() -> Void)?
    public var idleInterval: Duration = .milliseconds(100)
    private let link: AgentMQTTLink
    private let assembler: SensorVectorAssembler
    private let shouldStop: @Sendable () -> Bool
    private var nextStepTime = -Double.infinity
    private var tick = 0

    /// Subscribes to the slots' topics on `link`; connecting starts with the first `next()`.
    /// `shouldStop` is polled at least every `idleInterval` so a signal ends the run cleanly.
    public init(
        configuration: MQTTSensorConfiguration, link: AgentMQTTLink, shouldStop: @escaping @Sendable () -> Bool
    ) throws(LearnError) {
        if case .periodic(let seconds) = configuration.stepping {
            precondition(seconds > 0, "MQTTSensorSource needs a positive step period")
        }
        self.configuration = configuration
        self.link = link
        self.shouldStop = shouldStop
        columns = configuration.slots.map(\.name)
        assembler = SensorVectorAssembler(slots: configuration.slots)
        for filter in Set(configuration.slots.map(\.topic.description)).sorted() { try link.subscribe(filter) }
    }

    public func next() throws(VectorInputError) -> VectorRecord? {
        if nextStepTime == -.infinity {
            link.start()
            if case .periodic(let seconds) = configuration.stepping { nextStepTime = Self.monotonicSeconds() + seconds }
        }
        while true {
            if shouldStop() { return nil }
            switch configuration.stepping {
            case .perMessage:
                if let message = link.nextMessage(timeout: idleInterval) {
                    if ingest(message), let record = assembledRecord() { return record }
                } else if link.isClosed {
                    return nil
                } else {
                    onIdle?()
                }
            case .periodic(let period):
                let now = Self.monotonicSeconds()
                let remaining = nextStepTime - now
                if remaining <= 0 {
                    // A loop that fell behind by more than a period starts afresh instead of bursting.
                    nextStepTime = max(nextStepTime + period, now)
                    if let record = assembledRecord() { return record }
                    continue
                }
                let wait = min(Duration.nanoseconds(Int64(remaining * 1e9)), idleInterval)
                if let message = link.nextMessage(timeout: wait) {
                    _ = ingest(message)
                    // Take everything already waiting before looking at the clock again.
                    while let more = link.takeMessage() { _ = ingest(more) }
                } else if link.isClosed {
                    return nil
                } else {
                    onIdle?()
                }
            }
        }
    }

    private func assembledRecord() -> VectorRecord? {
        let vector = assembler.assemble(at: Self.monotonicSeconds())
        guard vector.missingCount == 0 else { return nil }
        defer { tick += 1 }
        return VectorRecord(line: tick, values: vector.values.map { Double($0) })
    }

    /// True when the message updated a slot.
    private func ingest(_ message: MQTTMessage) -> Bool {
        // The agent's own topics are never sensor input, even under a sensor filter such as `#`:
        // an error report about an error report would otherwise loop for ever.
        if message.topic.hasPrefix(link.topics.prefix + "/") {
            if message.topic == link.topics.control { onControl?(message) }
            return false
        }
        let outcome = assembler.ingest(topic: message.topic, payload: message.payload, time: Self.monotonicSeconds())
        switch outcome {
        case .rejected(let error):
            rejectedMessages += 1
            link.reportRejected(topic: message.topic, reason: error.description)
            return false
        case .ignored:
            return false
        case .accepted:
            return true
        }
    }

    static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
