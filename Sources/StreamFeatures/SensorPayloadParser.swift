/// Turns one message's payload into numbers, rejecting anything malformed with a `SensorPayloadError`.
///
/// Checks size first (empty, over `maximumPayloadBytes`), then the format's grammar; never traps on
/// any input. Allocates the result; meant for the message thread, not the hot loop. Any thread.
public struct SensorPayloadParser: Sendable, Hashable {
    public var format: SensorPayloadFormat
    /// The JSON object field holding the message time; it is not a value. Nil: no timestamp field.
    public var timestampField: String?
    /// The JSON object field holding when the message's values were measured; it is not a value.
    /// It may be the timestamp field too. Nil: none; with one, a JSON payload without it is rejected.
    public var timeField: String?
    /// The unit of numeric timestamp and time fields (a time written as a date is absolute).
    public var timestampUnit: SensorTimestampUnit
    /// Larger payloads are rejected before parsing (64 KiB by default).
    public var maximumPayloadBytes: Int
    /// Payloads with more values are rejected (1024 by default).
    public var maximumValues: Int

    public init(
        format: SensorPayloadFormat = .json, timestampField: String? = nil, timeField: String? = nil,
        timestampUnit: SensorTimestampUnit = .seconds, maximumPayloadBytes: Int = 65_536, maximumValues: Int = 1_024
    ) {
        precondition(maximumPayloadBytes >= 1, "SensorPayloadParser needs maximumPayloadBytes ≥ 1, got \(maximumPayloadBytes)")
        precondition(maximumValues >= 1, "SensorPayloadParser needs maximumValues ≥ 1, got \(maximumValues)")
        self.format = format
        self.timestampField = timestampField
        self.timeField = timeField
        self.timestampUnit = timestampUnit
        self.maximumPayloadBytes = maximumPayloadBytes
        self.maximumValues = maximumValues
    }

    /// The payload's numbers, or the first thing wrong with it.
    public func parse(_ payload: [UInt8], topic: String) throws(SensorPayloadError) -> SensorReading {
        // withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        try payload.withUnsafeBytes { bytes in
            Result { () throws(SensorPayloadError) in try parse(bytes, topic: topic) }
        }.get()
    }

    /// The payload's numbers, or the first thing wrong with it; `payload` is only read during the call.
    public func parse(_ payload: UnsafeRawBufferPointer, topic: String) throws(SensorPayloadError) -> SensorReading {
        guard !payload.isEmpty else { throw .empty(topic: topic) }
        guard payload.count <= maximumPayloadBytes else {
            throw .tooLarge(topic: topic, byteCount: payload.count, limit: maximumPayloadBytes)
        }
        switch format {
        case .json:
            try requireUTF8(payload, topic: topic)
            var reader = JSONNumberReader(
                bytes: payload, topic: topic, maximumValues: maximumValues, timestampField: timestampField, timeField: timeField)
            let read = try reader.read()
            let seconds = { (raw: Double) in timestampUnit == .milliseconds ? raw / 1_000 : raw }
            let time: Double?
            switch read.time {
            case .number(let raw): time = seconds(raw)
            case .date(let absolute): time = absolute
            case nil:
                if let timeField { throw .missingTime(topic: topic, field: timeField) }
                time = nil
            }
            return SensorReading(values: read.values, fieldNames: read.names, timestamp: read.timestamp.map(seconds), time: time)
        case .csv:
            try requireUTF8(payload, topic: topic)
            return SensorReading(values: try parseCSV(payload, topic: topic))
        case .float32LittleEndian:
            return SensorReading(values: try parseFloat32(payload, topic: topic))
        }
    }

    private func requireUTF8(_ payload: UnsafeRawBufferPointer, topic: String) throws(SensorPayloadError) {
        guard String(validating: payload, as: UTF8.self) != nil else { throw .invalidUTF8(topic: topic) }
    }

    private func parseCSV(_ payload: UnsafeRawBufferPointer, topic: String) throws(SensorPayloadError) -> [Float] {
        var end = payload.count
        if payload[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > 0 && payload[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: payload[0..<end])
        if line.contains(UInt8(ascii: "\n")) || line.contains(UInt8(ascii: "\r")) { throw .csvMultipleLines(topic: topic) }
        var values: [Float] = []
        var fieldStart = 0
        while fieldStart <= line.count {
            let fieldEnd = line[fieldStart...].firstIndex(of: UInt8(ascii: ",")) ?? line.count
            guard values.count < maximumValues else { throw .tooManyValues(topic: topic, limit: maximumValues) }
            values.append(try csvNumber(line, fieldStart..<fieldEnd, column: values.count + 1, topic: topic))
            fieldStart = fieldEnd + 1
        }
        return values
    }

    private func csvNumber(
        _ line: UnsafeRawBufferPointer, _ range: Range<Int>, column: Int, topic: String
    ) throws(SensorPayloadError) -> Float {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && (line[lower] == 0x20 || line[lower] == 0x09) { lower += 1 }
        while upper > lower && (line[upper - 1] == 0x20 || line[upper - 1] == 0x09) { upper -= 1 }
        let field = UnsafeRawBufferPointer(rebasing: line[lower..<upper])
        let text = String(decoding: field, as: UTF8.self)
        guard DecimalText.numberEnd(in: field, from: 0, lenient: true) == field.count else {
            if DecimalText.spellsNonFinite(text) { throw .nonFinite(topic: topic, location: .column(column), text: text) }
            throw .csvNotANumber(topic: topic, column: column, text: text)
        }
        guard let value = DecimalText.float(DecimalText.double(field, 0..<field.count)) else {
            throw .outOfRange(topic: topic, location: .column(column), text: text)
        }
        return value
    }

    private func parseFloat32(_ payload: UnsafeRawBufferPointer, topic: String) throws(SensorPayloadError) -> [Float] {
        guard payload.count % 4 == 0 else { throw .float32Misaligned(topic: topic, byteCount: payload.count) }
        let count = payload.count / 4
        guard count <= maximumValues else { throw .tooManyValues(topic: topic, limit: maximumValues) }
        var values = [Float](repeating: 0, count: count)
        for index in 0..<count {
            let bits = UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
            let value = Float(bitPattern: bits)
            guard value.isFinite else { throw .nonFinite(topic: topic, location: .element(index), text: "\(value)") }
            values[index] = value
        }
        return values
    }
}
