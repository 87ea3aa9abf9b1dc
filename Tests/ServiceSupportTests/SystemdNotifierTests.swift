import Logging
import CAllocationCounter
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import ServiceSupport

/// A unix datagram socket standing in for systemd's notify socket.
private final class NotifyListener {
    let socketPath: String
    private let descriptor: Int32

    /// Binds `path` (a file path, or `@name` for an abstract socket).
    init(path: String) throws {
        socketPath = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard case .success(let (address, length)) = SystemdNotifier.socketAddress(path) else {
            throw ListenerError("bad socket path \(path)")
        }
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0 else { throw ListenerError("bind \(path): errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// The next datagram, or nil if none arrives within `timeoutMilliseconds`.
    func receive(timeoutMilliseconds: Int32 = 2_000) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMilliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    struct ListenerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Collects what a notifier logs.
private final class LogLines: Sendable {
    private let capture = LogCapture()
    var lines: [String] { capture.all.map(\.text) }
    var logger: Logger { capture.logger }
}

@Suite struct SystemdNotifierTests {
    private func exchange(listenerPath: String) throws {
        let listener = try NotifyListener(path: listenerPath)
        let log = LogLines()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listenerPath], logger: log.logger)

        notifier.ready(status: "running")
        #expect(listener.receive() == "READY=1\nSTATUS=running")
        notifier.ready()
        #expect(listener.receive() == "READY=1")
        notifier.status("learning\nstep 3")
        #expect(listener.receive() == "STATUS=learning step 3")
        notifier.watchdog()
        #expect(listener.receive() == "WATCHDOG=1")
        notifier.stopping()
        #expect(listener.receive() == "STOPPING=1")

        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let before = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        notifier.reloading()
        let reloading = try #require(listener.receive())
        let prefix = "RELOADING=1\nMONOTONIC_USEC="
        #expect(reloading.hasPrefix(prefix))
        let stamp = try #require(UInt64(reloading.dropFirst(prefix.count)))
        #expect(stamp >= before && stamp < before + 10_000_000)

        #expect(log.lines.isEmpty)
    }

    @Test func sendsEachMessageToAPathSocket() throws {
        let directory = try TemporaryDirectory()
        try exchange(listenerPath: directory.path + "/notify.sock")
    }

    @Test func sendsEachMessageToAnAbstractSocket() throws {
        try exchange(listenerPath: "@hamlet-notify-test-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    }

    @Test func doesNothingWithoutNotifySocket() {
        let log = LogLines()
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"], logger: log.logger)
        notifier.ready(status: "running")
        notifier.watchdog()
        notifier.reloading()
        notifier.stopping()
        #expect(notifier.socketPath == nil)
        #expect(notifier.watchdogInterval == nil)
        #expect(log.lines.isEmpty)
    }

    @Test func reportsAFailedSendOnce() throws {
        let directory = try TemporaryDirectory()
        let log = LogLines()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": directory.path + "/nobody-listens"], logger: log.logger)
        notifier.ready()
        notifier.watchdog()
        notifier.watchdog()
        #expect(log.lines.count == 1)
        #expect(log.lines.first?.contains("nobody-listens") == true)
        #expect(log.lines.first?.contains("No such file or directory") == true)
    }

    @Test func rejectsARelativeSocketPath() {
        let log = LogLines()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative.sock", "WATCHDOG_USEC": "100"], logger: log.logger)
        notifier.watchdog()
        #expect(notifier.watchdogInterval == nil)
        #expect(log.lines.count == 1)
        #expect(log.lines.first?.contains("neither an absolute path nor @abstract") == true)
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsecForThisProcess() {
        let socket = ["NOTIFY_SOCKET": "@hamlet-unused"]
        func interval(_ extra: [String: String], pid: pid_t = 4242) -> Duration? {
            SystemdNotifier(environment: socket.merging(extra) { $1 }, processID: pid).watchdogInterval
        }
        #expect(interval(["WATCHDOG_USEC": "10000000"]) == .seconds(5))
        #expect(interval(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "4242"]) == .milliseconds(100))
        #expect(interval(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "4243"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "not-a-pid"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "ten"]) == nil)
        #expect(interval([:]) == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "200000"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": String(getpid())]) { $1 })
            .watchdogInterval == .milliseconds(100))
    }
}

@Suite struct SystemdNotifierAllocationTests {
    @Test func watchdogDoesNotAllocate() throws {
        try #require(hamlet_allocation_counting_available() != 0, "the counting malloc is not linked in")
        let directory = try TemporaryDirectory()
        let listener = try NotifyListener(path: directory.path + "/notify.sock")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.socketPath])
        notifier.watchdog()  // warms up anything lazily initialised
        hamlet_allocation_counting_begin()
        for _ in 0..<10 { notifier.watchdog() }
        let allocations = hamlet_allocation_counting_end()
        #expect(allocations == 0)
        #expect(listener.receive() == "WATCHDOG=1")
    }
}
