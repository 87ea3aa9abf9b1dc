/// One record of the durable outbox's log, and its framing on disk:
///
///     magic "HOB1" (4 bytes) · body length (UInt32 LE) · CRC-32 of the body (UInt32 LE) · body
///     body = kind (1 byte: 1 message, 2 settled) · sequence (UInt64 LE)
///            [message only: QoS (1) · retain (1) · topic length (UInt32 LE) · topic · payload]
///
/// The magic lets a reader find the next record after a damaged one; the checksum tells a
/// damaged or half-written record from a whole one.
enum DurableOutboxRecord: Equatable {
    /// A message to deliver; `sequence` orders and names it within the log.
    case message(DurableMessage)
    /// The message `sequence` needs no more delivery (acknowledged by the broker, refused, or dropped).
    case settled(sequence: UInt64)

    static let magic: [UInt8] = Array("HOB1".utf8)
    static let headerBytes = 12
    private static let kindMessage: UInt8 = 1
    private static let kindSettled: UInt8 = 2

    /// The framed bytes, ready to append.
    var frame: [UInt8] {
        var body: [UInt8] = []
        switch self {
        case .message(let message):
            body.reserveCapacity(15 + message.topic.utf8.count + message.payload.count)
            body.append(Self.kindMessage)
            Self.append(message.sequence, to: &body)
            body.append(UInt8(message.qos.rawValue))
            body.append(message.retain ? 1 : 0)
            Self.append(UInt32(message.topic.utf8.count), to: &body)
            body.append(contentsOf: message.topic.utf8)
            body.append(contentsOf: message.payload)
        case .settled(let sequence):
            body.append(Self.kindSettled)
            Self.append(sequence, to: &body)
        }
        var frame = Self.magic
        frame.reserveCapacity(Self.headerBytes + body.count)
        Self.append(UInt32(body.count), to: &frame)
        Self.append(CRC32.checksum(body), to: &frame)
        frame.append(contentsOf: body)
        return frame
    }

    /// The whole record starting at `offset` in `bytes` and its framed length, or nil when no
    /// intact record starts there (wrong magic, cut short, longer than `maximumBodyBytes`, checksum or content wrong).
    static func decode(_ bytes: [UInt8], at offset: Int, maximumBodyBytes: Int) -> (record: DurableOutboxRecord, length: Int)? {
        guard offset + headerBytes <= bytes.count, bytes[offset..<offset + 4].elementsEqual(magic) else { return nil }
        let length = Int(readUInt32(bytes, offset + 4))
        guard length >= 9, length <= maximumBodyBytes, offset + headerBytes + length <= bytes.count else { return nil }
        let body = bytes[(offset + headerBytes)..<(offset + headerBytes + length)]
        guard CRC32.checksum(body) == readUInt32(bytes, offset + 8) else { return nil }
        let start = body.startIndex
        let sequence = readUInt64(bytes, start + 1)
        switch body[start] {
        case kindSettled where length == 9:
            return (.settled(sequence: sequence), headerBytes + length)
        case kindMessage where length >= 15:
            guard let qos = MQTTQoS(rawValue: Int32(body[start + 9])), qos > .atMostOnce, body[start + 10] <= 1 else { return nil }
            let topicLength = Int(readUInt32(bytes, start + 11))
            guard topicLength <= length - 15 else { return nil }
            let topicStart = start + 15
            let topic = String(decoding: bytes[topicStart..<(topicStart + topicLength)], as: UTF8.self)
            let payload = Array(bytes[(topicStart + topicLength)..<body.endIndex])
            let message = DurableMessage(sequence: sequence, topic: topic, payload: payload, qos: qos, retain: body[start + 10] == 1)
            return (.message(message), headerBytes + length)
        default:
            return nil
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), table-driven. Written here rather than
/// linking zlib for one function: the table and loop are a dozen lines, checked against zlib's value
/// for "123456789" (0xCBF43926) in the tests.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
