import Foundation
import Glibc

/// The benchmark's own publisher or subscriber: MQTT 3.1.1 at QoS 0 over a plain blocking
/// socket, one `write` per published message and one `read` per burst received.
///
/// Why not `MQTTClient`: the peers share the two cores with the broker and the agent they
/// measure, and a full client costs them about 7 µs (publishing) and 10 µs (receiving) per
/// message; on a deployment they run elsewhere. The agent and the relay row still use the
/// real client.
final class RawMQTTPeer {
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var buffered = 0
    private var outgoing: [UInt8] = []

    init(port: Int, clientID: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = BenchBroker.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw BenchError("\(clientID) cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        // CONNECT: "MQTT", level 4, clean session, keep-alive 0 (none: a run lasts seconds).
        var body: [UInt8] = [0, 4] + Array("MQTT".utf8) + [4, 0x02, 0, 0]
        body += Self.string(clientID)
        try send(Self.packet(0x10, body))
        let connack = try readPacket(timeout: 5)
        guard let connack, connack.type == 0x20, connack.body.count == 2, buffer[connack.body.upperBound - 1] == 0 else {
            throw BenchError("\(clientID): the broker did not accept the connection")
        }
    }

    deinit { close(fd) }

    /// Subscribes to `filter` at QoS 0 and waits for the SUBACK.
    func subscribe(_ filter: String) throws {
        try send(Self.packet(0x82, [0, 1] + Self.string(filter) + [0]))
        guard try readPacket(timeout: 5)?.type == 0x90 else { throw BenchError("no SUBACK for \(filter)") }
    }

    /// One QoS 0 PUBLISH, written with a single `write`.
    func publish(topic: String, payload: [UInt8]) throws {
        outgoing.removeAll(keepingCapacity: true)
        let topicBytes = Array(topic.utf8)
        Self.appendHeader(0x30, remaining: 2 + topicBytes.count + payload.count, to: &outgoing)
        outgoing += Self.string(topic)
        outgoing += payload
        try send(outgoing)
    }

    /// Receives PUBLISH payloads until `expected` of them or `silence` seconds without one;
    /// `handle` gets each payload (valid only during the call) with the time its burst was read.
    func receive(expected: Int, silence: Double, handle: (UnsafeRawBufferPointer, Double) -> Void) throws {
        var count = 0
        while count < expected, let packet = try readPacket(timeout: silence) {
            guard packet.type == 0x30, packet.body.count >= 2 else { continue }
            buffer.withUnsafeBytes { bytes in
                let topicLength = Int(bytes[packet.body.lowerBound]) << 8 | Int(bytes[packet.body.lowerBound + 1])
                let payload = (packet.body.lowerBound + 2 + topicLength)..<packet.body.upperBound
                handle(UnsafeRawBufferPointer(rebasing: bytes[payload]), readAt)
            }
            count += 1
        }
    }

    func disconnect() { try? send([0xE0, 0]) }

    // MARK: Framing

    /// A packet's type and where its body lies in `buffer`, valid until the next read.
    private struct Packet {
        var type: UInt8
        var body: Range<Int>
    }

    /// `buffer[start..<end]` holds bytes read but not yet taken.
    private var start = 0
    private var end = 0
    /// When the last read returned.
    private var readAt = 0.0

    /// The next whole packet, reading only when the buffer holds none; nil after `timeout` s of silence.
    private func readPacket(timeout: Double) throws -> Packet? {
        setReceiveTimeout(timeout)
        while true {
            if let packet = takeBufferedPacket() { return packet }
            if start > 0 {
                // Move the partial packet to the front once per read, not once per packet.
                let (from, count) = (start, end - start)
                buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + from, byteCount: count) }
                (start, end) = (0, count)
            }
            if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            // A blocking read with SO_RCVTIMEO: one system call per burst, not a poll and a read.
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                throw BenchError("read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw BenchError("the broker closed the connection") }
            end += n
            readAt = monotonicSeconds()
        }
    }

    private var receiveTimeout = -1.0

    private func setReceiveTimeout(_ seconds: Double) {
        guard seconds != receiveTimeout else { return }
        receiveTimeout = seconds
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private func takeBufferedPacket() -> Packet? {
        var length = 0
        var multiplier = 1
        var index = start + 1
        while true {
            guard index < end, index <= start + 4 else { return nil }
            length += Int(buffer[index] & 0x7F) * multiplier
            multiplier *= 128
            index += 1
            if buffer[index - 1] & 0x80 == 0 { break }
        }
        guard end >= index + length else { return nil }
        let packet = Packet(type: buffer[start] & 0xF0, body: index..<index + length)
        start = index + length
        return packet
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError("write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    private static func string(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
    }

    private static func packet(_ header: UInt8, _ body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendHeader(header, remaining: body.count, to: &bytes)
        return bytes + body
    }

    private static func appendHeader(_ header: UInt8, remaining: Int, to bytes: inout [UInt8]) {
        bytes.append(header)
        var rest = remaining
        repeat {
            var digit = UInt8(rest % 128)
            rest /= 128
            if rest > 0 { digit |= 0x80 }
            bytes.append(digit)
        } while rest > 0
    }
}
