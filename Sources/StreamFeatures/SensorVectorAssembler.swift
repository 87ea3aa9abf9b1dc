/// Keeps the latest value of each slot from MQTT messages and assembles one input vector per step.
///
/// Times are seconds on one caller-chosen clock (monotonic is best). `ingest` is all-or-nothing:
/// a message that is malformed, or lacks a value some matching slot needs, changes no slot and
/// is counted by reason. `ingest` allocates (it parses); `assemble(at:into:flags:)` does not.
/// One thread at a time.
public final class SensorVectorAssembler {
    /// Which time dates a value, to judge its age.
    public enum ValueClock: Sendable, Hashable {
        /// The `time` passed to `ingest` (when the message arrived).
        case arrival
        /// The JSON payload's timestamp field, seconds since the Unix epoch; `assemble` times must
        /// then be epoch seconds too, and payloads without a timestamp are rejected.
        case payloadTimestamp
    }

    public let slots: [SensorSlot]
    public let parser: SensorPayloadParser
    public let valueClock: ValueClock
    public private(set) var counters = SensorIngestCounters()
    /// The timestamp field of the last accepted message (raw seconds), nil when it had none.
    public private(set) var lastTimestamp: Double?
    /// The time field of the last accepted message (epoch seconds), nil when the parser has none.
    public private(set) var lastTime: Double?
    private var latest: [Float]
    /// -infinity until the slot's first value.
    private var updatedAt: [Double]

    /// `parser` supplies the timestamp field and limits; each slot's own format overrides its format.
    public init(slots: [SensorSlot], parser: SensorPayloadParser = SensorPayloadParser(), valueClock: ValueClock = .arrival) {
        precondition(!slots.isEmpty, "SensorVectorAssembler needs at least one slot")
        self.slots = slots
        self.parser = parser
        self.valueClock = valueClock
        latest = [Float](repeating: 0, count: slots.count)
        updatedAt = [Double](repeating: -.infinity, count: slots.count)
    }

    /// Updates the slots `topic` feeds from `payload`, received at `time`; never throws away state.
    @discardableResult
    public func ingest(topic: String, payload: [UInt8], time: Double) -> SensorIngestOutcome {
        payload.withUnsafeBytes { ingest(topic: topic, payload: $0, time: time) }
    }

    /// Updates the slots `topic` feeds from `payload`, received at `time`; never throws away state.
    @discardableResult
    public func ingest(topic: String, payload: UnsafeRawBufferPointer, time: Double) -> SensorIngestOutcome {
        let matching = slots.indices.filter { slots[$0].topic.matches(topic) }
        guard !matching.isEmpty else {
            counters.ignored += 1
            return .ignored
        }
        do {
            var readings: [SensorPayloadFormat: SensorReading] = [:]
            var updates: [(slot: Int, value: Float, time: Double)] = []
            for index in matching {
                let slot = slots[index]
                let reading: SensorReading
                if let cached = readings[slot.format] {
                    reading = cached
                } else {
                    var slotParser = parser
                    slotParser.format = slot.format
                    reading = try slotParser.parse(payload, topic: topic)
                    readings[slot.format] = reading
                }
                let stamp: Double
                switch valueClock {
                case .arrival: stamp = time
                case .payloadTimestamp:
                    guard let timestamp = reading.timestamp else {
                        throw SensorPayloadError.missingTimestamp(topic: topic, field: parser.timestampField)
                    }
                    stamp = timestamp
                }
                updates.append((index, try value(of: slot, in: reading, topic: topic), stamp))
            }
            for update in updates {
                latest[update.slot] = update.value
                updatedAt[update.slot] = update.time
            }
            lastTimestamp = readings.values.lazy.compactMap(\.timestamp).first
            lastTime = readings.values.lazy.compactMap(\.time).first
            counters.accepted += 1
            return .accepted(slots: updates.count)
        } catch let error as SensorPayloadError {
            counters.countRejection(error.reason)
            return .rejected(error)
        } catch {
            preconditionFailure("only SensorPayloadError is thrown here, got \(error)")
        }
    }

    private func value(of slot: SensorSlot, in reading: SensorReading, topic: String) throws(SensorPayloadError) -> Float {
        switch slot.selector {
        case .single:
            guard reading.values.count == 1 else { throw .notSingleValue(topic: topic, count: reading.values.count) }
            return reading.values[0]
        case .field(let name):
            guard let value = reading.value(named: name) else {
                throw .missingValue(topic: topic, location: .field(name), available: Self.shape(of: reading))
            }
            return value
        case .index(let index):
            guard reading.fieldNames.isEmpty, index < reading.values.count else {
                throw .missingValue(topic: topic, location: .element(index), available: Self.shape(of: reading))
            }
            return reading.values[index]
        }
    }

    private static func shape(of reading: SensorReading) -> String {
        if reading.fieldNames.isEmpty { return "\(reading.values.count) positional values and no field names" }
        let names = reading.fieldNames.prefix(8).map { quoted($0) }.joined(separator: ", ")
        return "fields " + names + (reading.fieldNames.count > 8 ? ", …" : "")
    }

    /// The vector for the step at `time`: fresh values as they are, stale ones kept and flagged,
    /// never-seen ones 0 and flagged. Allocates the result.
    public func assemble(at time: Double) -> AssembledVector {
        var vector = AssembledVector(
            values: [Float](repeating: 0, count: slots.count), flagged: [Bool](repeating: false, count: slots.count),
            staleCount: 0, missingCount: 0)
        let (stale, missing) = vector.values.withUnsafeMutableBufferPointer { values in
            vector.flagged.withUnsafeMutableBufferPointer { flags in assemble(at: time, into: values, flags: flags) }
        }
        vector.staleCount = stale
        vector.missingCount = missing
        return vector
    }

    /// Writes the vector for the step at `time` into `values` and `flags` (each `slots.count` long)
    /// and returns the stale and missing counts. Allocates nothing; for the hot loop.
    @discardableResult
    public func assemble(
        at time: Double, into values: UnsafeMutableBufferPointer<Float>, flags: UnsafeMutableBufferPointer<Bool>
    ) -> (stale: Int, missing: Int) {
        precondition(values.count == slots.count && flags.count == slots.count,
                     "assemble needs buffers of \(slots.count) slots, got \(values.count) values and \(flags.count) flags")
        var stale = 0
        var missing = 0
        for index in 0..<slots.count {
            values[index] = latest[index]
            if updatedAt[index] == -.infinity {
                missing += 1
                flags[index] = true
            } else if time - updatedAt[index] > slots[index].maximumAgeSeconds {
                stale += 1
                flags[index] = true
            } else {
                flags[index] = false
            }
        }
        counters.staleSlotEvents += stale
        counters.missingSlotEvents += missing
        return (stale, missing)
    }
}
