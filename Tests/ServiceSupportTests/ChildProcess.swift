import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with stdout and stderr captured in files, for tests.
///
/// Spawned with posix_spawn and an EMPTY signal mask: Swift Testing's worker threads block most signals and a
/// child would inherit that (platform.md §7.1).
struct ChildProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    enum Failure: Error, CustomStringConvertible {
        case spawnFailed(program: String, code: Int32)
        var description: String {
            switch self {
            case .spawnFailed(let program, let code):
                return "cannot start \(program): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Runs `program` (an absolute path) with `arguments`; `environment` nil means this process's environment.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let directory = try TemporaryDirectory()
        let outPath = directory.path + "/stdout", errPath = directory.path + "/stderr"
        let pid = try spawn(program, arguments, environment: environment, standardOutput: outPath, standardError: errPath)
        let status = wait(pid)
        return Result(
            status: status,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// Starts `program` without waiting; stdin is /dev/null, stdout and stderr go to the given files.
    static func spawn(_ program: String, _ arguments: [String], environment: [String: String]?,
                      standardOutput: String, standardError: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let environ = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environ.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard code == 0 else { throw Failure.spawnFailed(program: program, code: code) }
        return pid
    }

    /// Waits for `pid` and returns its exit status, or 128 + signal number when a signal ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros Swift cannot import.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The absolute path of `name` found in PATH (or the usual system directories), nil if absent.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }
}
