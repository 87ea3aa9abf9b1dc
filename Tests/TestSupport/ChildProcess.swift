import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Test support: a child process started with `posix_spawn`, an EMPTY signal mask and default
/// signal dispositions.
///
/// Swift Testing runs tests on threads that block most signals; a child inherits that mask, and
/// mosquitto restores the inherited mask after each `epoll_wait`, so a SIGTERM would stay pending
/// forever. Stopping always ends with SIGKILL if the polite signal is not enough.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let executable: String
    public let stdoutPath: String
    public let stderrPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t, executable: String, stdoutPath: String, stderrPath: String) {
        (self.pid, self.executable, self.stdoutPath, self.stderrPath) = (pid, executable, stdoutPath, stderrPath)
    }

    deinit { kill(SIGKILL) }

    /// Starts `executable` with `arguments`; stdout and stderr go to the given files (appended to
    /// with `append`), stdin is /dev/null; `environment` adds to the inherited variables.
    public static func spawn(
        _ executable: String, _ arguments: [String], stdout stdoutPath: String, stderr stderrPath: String, append: Bool = false,
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let outputFlags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, outputFlags, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, outputFlags, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // `environment` is added to (and overrides) this process's environment.
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        if rc != 0 { throw TestFailure("posix_spawn \(executable): \(String(cString: strerror(rc)))") }
        return ChildProcess(pid: pid, executable: executable, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// The exit status if the process has ended (reaping it), nil while it runs.
    /// Killed by a signal → 128 + signal.
    public func poll() -> Int32? {
        exitStatus.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let r = waitpid(pid, &raw, WNOHANG)
            guard r == pid else { return nil }
            let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            status = code
            return code
        }
    }

    public var isRunning: Bool { poll() == nil }

    /// Waits (polling, without blocking a thread) up to `timeout`; returns the exit status or nil.
    public func wait(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return poll()
    }

    /// Sends `signal` unless the process has been reaped.
    public func kill(_ signal: Int32) {
        exitStatus.withLock { status in
            if status == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// SIGTERM, then SIGKILL after `grace`; always reaps. Blocks the calling thread at most `grace` + ~0.1 s.
    public func stop(grace: Duration = .seconds(2)) {
        if poll() != nil { return }
        kill(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if poll() != nil { return }
            usleep(5_000)
        }
        killAndReap()
    }

    /// SIGKILL and reap (blocking; SIGKILL cannot be caught, so this is quick).
    public func killAndReap() {
        kill(SIGKILL)
        for _ in 0..<400 {
            if poll() != nil { return }
            usleep(5_000)
        }
    }

    public var standardOutput: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

extension ChildProcess {
    /// How a process run to completion ended and what it printed.
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` to completion, blocking the calling thread, for synchronous tests; stdout and stderr
    /// are captured in a temporary directory, and `environment` adds to the inherited variables.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let directory = try TemporaryDirectory(prefix: "hamlet-run")
        let child = try spawn(
            executable, arguments, stdout: directory.file("stdout"), stderr: directory.file("stderr"), environment: environment)
        let status = child.waitUntilExit()
        return Result(status: status, standardOutput: child.standardOutput, standardError: child.standardError)
    }

    /// Blocks the calling thread until the process ends; returns its exit status (killed by a signal → 128 + signal).
    public func waitUntilExit() -> Int32 {
        while true {
            if let status = poll() { return status }
            usleep(1_000)
        }
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Finds an executable on PATH, then in the sbin/bin directories Debian uses (mosquitto lives in /usr/sbin).
public func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let debianDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]
    let directories = path.split(separator: ":").map(String.init) + debianDirectories
    for directory in directories where !directory.isEmpty {
        let candidate = directory + "/" + name
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

public func requireExecutable(_ name: String) throws -> String {
    guard let path = findExecutable(name) else {
        throw TestFailure(
            "\(name) not found on PATH or in /usr/sbin; install it: apt-get install -y mosquitto mosquitto-clients openssl")
    }
    return path
}

/// A temporary directory (mode 0755, so a broker that dropped privileges can still read it).
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "hamlet-mqtt") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: result)
        chmod(path, 0o755)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        chmod(target, 0o644)
        return target
    }
}

/// Runs a short command to completion (bounded by `timeout`), returning status and output.
@discardableResult
public func runCommand(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory, timeout: Duration = .seconds(10))
    async throws -> (status: Int32, output: String, error: String)
{
    let tag = "\(URL(fileURLWithPath: executable).lastPathComponent)-\(UInt32.random(in: 0...UInt32.max))"
    let child = try ChildProcess.spawn(
        executable, arguments, stdout: directory.file("\(tag).out"), stderr: directory.file("\(tag).err"))
    guard let status = await child.wait(timeout: timeout) else {
        child.killAndReap()
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
    }
    return (status, child.standardOutput, child.standardError)
}

/// Polls `condition` every 10 ms until true or `timeout`; returns its last value.
public func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A free TCP port on 127.0.0.1 (bind port 0, read it back, close).
public func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind: \(String(cString: strerror(errno)))") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// True if something accepts TCP connections on 127.0.0.1:`port`.
public func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return rc == 0
}

/// Runs `body` on its own OS thread (for blocking calls such as `MQTTMessageQueue.pop`) and
/// returns its result without occupying a cooperative-pool thread.
public func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.start()
    }
}

/// A value behind a mutex, shareable between tasks and threads (a class, so closures can capture it).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    public init(_ value: Value) { mutex = Mutex(value) }
    public func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    public var value: Value { mutex.withLock { $0 } }
}
