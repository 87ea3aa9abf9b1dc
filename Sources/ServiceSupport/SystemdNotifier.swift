#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
import Logging
import SystemPrimitives

/// Tells systemd about the service's state over `$NOTIFY_SOCKET` (the sd_notify protocol, without libsystemd).
///
/// Every method is a no-op when `NOTIFY_SOCKET` is unset, never throws, and may be called from any thread.
/// A failed send is reported once through `logger`; later failures are silent so a missing socket cannot flood
/// the journal at watchdog rate.
public final class SystemdNotifier: Sendable {
    /// How often to call `watchdog()`: half of `WATCHDOG_USEC`, as systemd recommends; nil when systemd
    /// expects no pings from this process (no socket, no `WATCHDOG_USEC`, or `WATCHDOG_PID` names another pid).
    public let watchdogInterval: Duration?

    /// The socket systemd listens on, as given (a path, or `@name` for an abstract socket); nil when unset.
    public let socketPath: String?

    private let descriptor: Int32
    private let address: sockaddr_un
    private let addressLength: socklen_t
    private let logger: Logger
    private let hasReportedFailure = Atomic<Bool>(false)

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    ///
    /// - Parameters:
    ///   - environment: usually `ProcessInfo.processInfo.environment`; tests pass their own.
    ///   - processID: the pid `WATCHDOG_PID` must match for the watchdog to apply to us.
    ///   - logger: receives one warning the first time something goes wrong (bad socket path, failed send).
    public init(
        environment: [String: String], processID: pid_t = getpid(),
        logger: Logger = Logger(label: "systemd", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.logger = logger
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path

        var descriptor: Int32 = -1
        var address = sockaddr_un()
        var addressLength: socklen_t = 0
        var setupFailure: String?
        if let path {
            switch Self.socketAddress(path) {
            case .success(let (built, length)):
                descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                if descriptor < 0 {
                    setupFailure = "systemd notify: cannot create a unix datagram socket: \(String(cString: strerror(errno)))"
                }
                address = built
                addressLength = length
            case .failure(let failure):
                setupFailure = failure.description
            }
        }
        self.descriptor = descriptor
        self.address = address
        self.addressLength = addressLength

        if descriptor >= 0 {
            watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
        } else {
            watchdogInterval = nil
        }
        if let setupFailure {
            hasReportedFailure.store(true, ordering: .relaxed)
            logger.warning("\(setupFailure)")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends `READY=1`, with `STATUS=` when `status` is given: startup (or a reload) is complete.
    public func ready(status: String? = nil) {
        send(status.map { "READY=1\nSTATUS=\(Self.singleLine($0))" } ?? "READY=1")
    }

    /// Sends `STATUS=…`, the free-form line `systemctl status` shows.
    public func status(_ text: String) {
        send("STATUS=\(Self.singleLine(text))")
    }

    /// Sends `WATCHDOG=1`. Does not allocate, so a supervisor loop may call it at any rate.
    public func watchdog() {
        let message: StaticString = "WATCHDOG=1"
        send(message.utf8Start, count: message.utf8CodeUnitCount)
    }

    /// Sends `RELOADING=1` with `MONOTONIC_USEC=` (required by systemd ≥ 253, ignored by 252).
    /// Follow it with `ready()` once the new configuration is in effect.
    public func reloading() {
        let microseconds = MonotonicClock.nowNanoseconds() / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// Sends `STOPPING=1`: shutdown has begun (checkpoint, flush), so systemd waits up to TimeoutStopSec.
    public func stopping() {
        send("STOPPING=1")
    }

    private func send(_ message: String) {
        var message = message
        message.withUTF8 { send($0.baseAddress!, count: $0.count) }
    }

    private func send(_ bytes: UnsafePointer<UInt8>, count: Int) {
        guard descriptor >= 0 else { return }
        let sent = withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                var result: Int
                repeat {
                    result = sendto(descriptor, bytes, count, Int32(MSG_NOSIGNAL), socketAddress, addressLength)
                } while result < 0 && errno == EINTR
                return result
            }
        }
        guard sent < 0 else { return }
        let code = errno
        if !hasReportedFailure.exchange(true, ordering: .relaxed) {
            let line = "systemd notify: sending to NOTIFY_SOCKET \"\(socketPath ?? "")\" failed: \(String(cString: strerror(code)));"
                + " further failures are not reported"
            logger.warning("\(line)")
        }
    }

    /// A newline would end the STATUS= assignment and start a bogus one.
    private static func singleLine(_ text: String) -> String {
        text.contains(where: \.isNewline) ? String(text.map { $0.isNewline ? " " : $0 }) : text
    }

    /// Builds the address for `path`; `@name` is a Linux abstract socket (leading NUL, no terminator).
    static func socketAddress(_ path: String) -> Result<(sockaddr_un, socklen_t), SetupFailure> {
        var bytes = Array(path.utf8)
        let isAbstract = bytes.first == UInt8(ascii: "@")
        guard isAbstract || bytes.first == UInt8(ascii: "/") else {
            return .failure(SetupFailure("systemd notify: NOTIFY_SOCKET \"\(path)\" is neither an absolute path nor @abstract; notifications are disabled"))
        }
        if isAbstract { bytes[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A path socket needs room for its NUL terminator; an abstract name is length-delimited.
        guard bytes.count + (isAbstract ? 0 : 1) <= capacity else {
            return .failure(SetupFailure("systemd notify: NOTIFY_SOCKET \"\(path)\" is longer than \(capacity - 1) bytes; notifications are disabled"))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sa_family_t>.size + bytes.count + (isAbstract ? 0 : 1)
        return .success((address, socklen_t(length)))
    }

    /// Half of `WATCHDOG_USEC` when it is a positive integer and `WATCHDOG_PID` is absent or `processID`.
    static func watchdogInterval(environment: [String: String], processID: pid_t) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        if let pidText = environment["WATCHDOG_PID"], !pidText.isEmpty {
            guard let pid = pid_t(pidText), pid == processID else { return nil }
        }
        return .microseconds(Int64(clamping: microseconds / 2))
    }

    /// Why notifications are disabled; `description` is the line given to `logger`.
    struct SetupFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
