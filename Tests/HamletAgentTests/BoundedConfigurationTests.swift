import Foundation
import TestSupport
import Testing

/// Configuration files that would exhaust the agent if read or parsed without limits (issue 16):
/// an alias bomb, /dev/zero, a 50 MB file, an over-long agent.id. Each fails with a clear error,
/// the same from `run --check`, from `run` and from a SIGHUP reload (which keeps running).
@Suite(.serialized) struct BoundedConfigurationTests {
    /// 342 bytes of "billion laughs": nine levels of nine aliases, 9⁹ strings once expanded.
    static let aliasBomb = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]

        """

    /// A bad file and what its error must say.
    struct BadFile: CustomStringConvertible, Sendable {
        let name: String
        /// Makes the file at the path (a symlink for /dev/zero).
        let make: @Sendable (String) throws -> Void
        let message: String
        var description: String { name }
    }

    static let badFiles: [BadFile] = [
        BadFile(
            name: "alias bomb", make: { try aliasBomb.write(toFile: $0, atomically: true, encoding: .utf8) },
            message: "anchors and aliases (&a, *a) are not allowed in a configuration"),
        BadFile(
            name: "/dev/zero", make: { try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: "/dev/zero") },
            message: "is larger than 1 MiB (1048576 bytes), the limit for a configuration file"),
        BadFile(name: "50 MB of unknown keys", make: writeFiftyMegabytes, message: "is larger than 1 MiB (1048576 bytes)"),
        BadFile(
            name: "a 300 kB agent.id",
            make: { try "agent:\n  id: \(String(repeating: "x", count: 300_000))\n".write(toFile: $0, atomically: true, encoding: .utf8) },
            message: "agent.id: is 300000 bytes long; at most 256 are allowed"),
    ]

    static func writeFiftyMegabytes(_ path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data("agent:\n".utf8))
        var chunk = ""
        for key in 0..<20_000 { chunk += "  unknown_key_\(key): \(key)\n" }
        let data = Data(chunk.utf8)
        for _ in 0..<(50_000_000 / data.count + 1) { try handle.write(contentsOf: data) }
    }

    @Test("run --check and run refuse each with a clear error of a few lines, exit 78", arguments: badFiles)
    func checkAndRunRefuse(_ bad: BadFile) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("hamlet.yaml")
        try bad.make(path)
        for arguments in [["run", "--config", path, "--check"], ["run", "--config", path]] {
            let result = try HamletProcess.run(arguments)
            #expect(result.status == 78, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains(bad.message), "\(arguments): \(result.standardError)")
            // The error names the problem; it does not repeat the file.
            #expect(result.standardError.utf8.count < 2_000, "\(result.standardError.utf8.count) bytes of errors")
            #expect(result.standardOutput.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aSighupWithEachBadFileKeepsTheRunningConfiguration() async throws {
        let directory = try TemporaryDirectory()
        var settings = RunSettings(stateDirectory: directory.path("state"))
        let config = try directory.write("hamlet.yaml", settings.yaml)
        let hamlet = try startHamlet(["run", "--config", config], in: directory, name: "run")
        defer { hamlet.killAndReap() }
        #expect(await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: directory.path("state")) })
        for (index, bad) in Self.badFiles.enumerated() {
            try FileManager.default.removeItem(atPath: config)
            try bad.make(config)
            hamlet.kill(SIGHUP)
            let failed = await eventually(timeout: .seconds(10)) {
                hamlet.standardError.components(separatedBy: "reload failed; the running configuration stays in force").count == index + 2
            }
            #expect(failed, "\(bad): \(hamlet.standardError)")
            #expect(hamlet.standardError.contains(bad.message), "\(bad): \(hamlet.standardError)")
            #expect(hamlet.isRunning, "\(bad)")
        }
        // A good file is still taken after all that.
        try FileManager.default.removeItem(atPath: config)
        settings.beta = 0.01
        _ = try directory.write("hamlet.yaml", settings.yaml)
        hamlet.kill(SIGHUP)
        #expect(await eventually(timeout: .seconds(10)) { hamlet.standardError.contains("configuration reloaded") }, "\(hamlet.standardError)")
        hamlet.kill(SIGTERM)
        #expect(await hamlet.wait(timeout: .seconds(15)) == 0, "stderr: \(hamlet.standardError)")
        #expect(hamlet.standardError.utf8.count < 8_000, "\(hamlet.standardError.utf8.count) bytes of log")
    }

    @Test(.timeLimit(.minutes(1)))
    func learnFromDevZeroStopsAtItsLineCap() async throws {
        let directory = try TemporaryDirectory()
        let child = try ChildProcess.spawn(
            "/bin/sh", ["-c", "exec \"$0\" learn - < /dev/zero", HamletProcess.executable.path], stdout: directory.path("out"),
            stderr: directory.path("err"))
        defer { child.killAndReap() }
        let status = await child.wait(timeout: .seconds(30))
        #expect(status == 65, "stderr: \(child.standardError)")
        #expect(child.standardError.contains("line 1: line is longer than 1048576 bytes, so the column names cannot be read"), "\(child.standardError)")
    }
}
