import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Test side of the sd_notify protocol: a unix datagram socket standing in for systemd's
/// `NOTIFY_SOCKET`, bound to a file path or a Linux `@abstract` name.
///
/// A background thread reads it with `poll` + `recv` and keeps every datagram with the time it
/// arrived (seconds since the socket was bound), so the tests can check order and intervals
/// without racing the child. `close()` (or deinit) stops the thread and unlinks a path socket.
final class NotifySocket: Sendable {
    /// One datagram: one or more `KEY=value` lines.
    struct Message: Sendable, CustomStringConvertible {
        let text: String
        /// Seconds since the socket was bound.
        let time: Double

        var lines: [String] { text.split(separator: "\n").map(String.init) }
        /// The value of `key` (e.g. `STATUS`), or nil if the datagram does not set it.
        func value(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        /// True when the datagram carries exactly this assignment (e.g. `READY=1`).
        func has(_ assignment: String) -> Bool { lines.contains(assignment) }
        var description: String { String(format: "%.3f ", time) + text.replacingOccurrences(of: "\n", with: "\\n") }
    }

    /// What to put in `NOTIFY_SOCKET`: the path, or `@name`.
    let address: String
    private let descriptor: Int32
    private let isAbstract: Bool
    /// What the reader thread shares with the socket (not `self`, so that deinit can stop it).
    private final class Shared: Sendable {
        let received = Mutex<[Message]>([])
        let stopRequested = Atomic<Bool>(false)
        let readerDone = DispatchSemaphore(value: 0)
    }
    private let shared = Shared()
    private let closed = Atomic<Bool>(false)

    /// Binds `address`: an absolute path (at most 107 bytes) or `@name` for an abstract socket.
    init(address: String) throws {
        self.address = address
        var bytes = Array(address.utf8)
        isAbstract = bytes.first == UInt8(ascii: "@")
        if isAbstract { bytes[0] = 0 }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        guard bytes.count + (isAbstract ? 0 : 1) <= MemoryLayout.size(ofValue: socketAddress.sun_path) else {
            throw NotifySocketError("notify socket address too long: \(address)")
        }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (isAbstract ? 0 : 1))
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifySocketError("socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw NotifySocketError("bind \(address): \(message)")
        }
        startReader()
    }

    /// A path socket `notify.sock` in `directory`.
    convenience init(directory: String) throws {
        try self.init(address: directory + "/notify.sock")
    }

    /// An abstract socket with a unique name.
    static func abstract() throws -> NotifySocket {
        try NotifySocket(address: "@hamlet-test-notify-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    }

    deinit { close() }

    /// Every datagram received so far, in arrival order.
    var messages: [Message] { shared.received.withLock { $0 } }

    /// Waits up to `timeout` for a datagram at index `from` or later that satisfies `predicate`;
    /// returns its index.
    func waitFor(from: Int = 0, timeout: Duration = .seconds(10), _ predicate: (Message) -> Bool) async -> Int? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let all = messages
            if from < all.count, let index = all[from...].firstIndex(where: predicate) { return index }
            if clock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for a datagram carrying `assignment` (e.g. `READY=1`) at index `from` or later.
    func waitFor(_ assignment: String, from: Int = 0, timeout: Duration = .seconds(10)) async -> Int? {
        await waitFor(from: from, timeout: timeout) { $0.has(assignment) }
    }

    /// The arrival times of the `WATCHDOG=1` datagrams in `range` of the message indices.
    func watchdogTimes(in range: Range<Int>? = nil) -> [Double] {
        let all = messages
        let slice = range.map { all[max(0, $0.lowerBound)..<min(all.count, $0.upperBound)] } ?? all[...]
        return slice.filter { $0.has("WATCHDOG=1") }.map(\.time)
    }

    /// A readable dump for failure messages.
    var transcript: String { messages.map(\.description).joined(separator: "\n") }

    /// Stops the reader, closes the socket and removes a path socket's file. Idempotent.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shared.stopRequested.store(true, ordering: .releasing)
        shared.readerDone.wait()
        Glibc.close(descriptor)
        if !isAbstract { unlink(address) }
    }

    private func startReader() {
        let start = ContinuousClock.now
        let shared = shared, descriptor = descriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while !shared.stopRequested.load(ordering: .acquiring) {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = Glibc.poll(&poller, 1, 20)
                guard ready > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard count > 0 else { continue }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                let message = Message(text: String(decoding: buffer[..<count], as: UTF8.self), time: seconds)
                shared.received.withLock { $0.append(message) }
            }
            shared.readerDone.signal()
        }
        thread.start()
    }
}

struct NotifySocketError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
