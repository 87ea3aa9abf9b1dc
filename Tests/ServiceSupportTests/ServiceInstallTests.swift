import Foundation
import TestSupport
import Testing

/// Scripts/install.sh staged into a temporary root, then the staged unit checked by `systemd-analyze` offline.
@Suite struct ServiceInstallTests {
    /// `systemd-analyze`, or a failure saying how to get it: these checks must never pass by being skipped.
    private func systemdAnalyze() throws -> String {
        try #require(findExecutable("systemd-analyze"),
                     "systemd-analyze not found: install Debian's systemd package (apt-get install -y systemd)")
    }

    /// A staging root filled by install.sh, with a stub hamlet and stub `systemctl`/`swift` that record any call.
    private struct Stage {
        let temporary: TemporaryDirectory
        let root: String
        let callLog: String
        let result: ChildProcess.Result

        init(prefix: String? = nil, config: String = "broker: localhost\n") throws {
            temporary = try TemporaryDirectory()
            root = temporary.path + "/root"
            callLog = temporary.path + "/calls.log"
            let tools = temporary.path + "/tools"
            try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
            // Nothing is run at verify time, so a stub is enough; it must only exist and be executable.
            let binary = try temporary.write("hamlet", "#!/bin/sh\nexit 0\n")
            chmod(binary, 0o755)
            for tool in ["systemctl", "swift"] {
                let path = try temporary.write("tools/" + tool, "#!/bin/sh\necho \"\(tool) $*\" >> \(callLog)\n")
                chmod(path, 0o755)
            }
            let configPath = try temporary.write("hamlet.yaml", config)
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = tools + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["DESTDIR"] = root
            environment["PREFIX"] = prefix
            result = try ChildProcess.run(
                "/bin/bash", [repositoryRoot() + "/Scripts/install.sh", "--binary", binary, "--config", configPath],
                environment: environment)
        }

        func rerun(config: String) throws -> ChildProcess.Result {
            let configPath = try temporary.write("other.yaml", config)
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = temporary.path + "/tools:" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["DESTDIR"] = root
            return try ChildProcess.run(
                "/bin/bash",
                [repositoryRoot() + "/Scripts/install.sh", "--binary", temporary.path + "/hamlet", "--config", configPath],
                environment: environment)
        }

        var calls: String { (try? String(contentsOfFile: callLog, encoding: .utf8)) ?? "" }
    }

    @Test func installStagesBinaryUnitAndConfigWithoutSystemctlOrBuild() throws {
        let stage = try Stage()
        #expect(stage.result.status == 0, "install.sh failed: \(stage.result.standardError)")
        #expect(stage.result.standardError.isEmpty)
        #expect(stage.result.standardOutput.contains("systemctl enable --now hamlet.service"))
        #expect(access(stage.root + "/usr/local/bin/hamlet", X_OK) == 0)
        let unit = try String(contentsOfFile: stage.root + "/etc/systemd/system/hamlet.service", encoding: .utf8)
        #expect(unit == (try String(contentsOfFile: repositoryRoot() + "/systemd/hamlet.service", encoding: .utf8)))
        #expect(try String(contentsOfFile: stage.root + "/etc/hamlet/hamlet.yaml", encoding: .utf8) == "broker: localhost\n")
        #expect(stage.calls.isEmpty, "install.sh ran \(stage.calls) although DESTDIR was set or --binary given")

        let again = try stage.rerun(config: "broker: elsewhere\n")
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("keeping existing /etc/hamlet/hamlet.yaml"))
        #expect(try String(contentsOfFile: stage.root + "/etc/hamlet/hamlet.yaml", encoding: .utf8) == "broker: localhost\n")
    }

    @Test func installPointsTheUnitAtTheChosenPrefix() throws {
        let stage = try Stage(prefix: "/opt/hamlet")
        #expect(stage.result.status == 0, "\(stage.result.standardError)")
        #expect(access(stage.root + "/opt/hamlet/bin/hamlet", X_OK) == 0)
        let unit = try String(contentsOfFile: stage.root + "/etc/systemd/system/hamlet.service", encoding: .utf8)
        #expect(unit.contains("\nExecStart=/opt/hamlet/bin/hamlet run --config /etc/hamlet/hamlet.yaml\n"))
        #expect(!unit.contains("/usr/local/bin/hamlet"))
    }

    @Test func installHelpAndBadArguments() throws {
        let script = repositoryRoot() + "/Scripts/install.sh"
        let help = try ChildProcess.run("/bin/bash", [script, "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--binary PATH"))
        let bad = try ChildProcess.run("/bin/bash", [script, "--frobnicate"])
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("unknown argument '--frobnicate'"))
        let missing = try ChildProcess.run("/bin/bash", [script, "--binary", "/nonexistent/hamlet"],
                                           environment: ["PATH": "/usr/bin:/bin", "DESTDIR": "/nonexistent-stage"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("pass --binary PATH"))
    }

    @Test func stagedUnitPassesSystemdAnalyzeVerify() throws {
        let analyze = try systemdAnalyze()
        let stage = try Stage()
        try #require(stage.result.status == 0, "install.sh failed: \(stage.result.standardError)")
        // verify also checks ExecReload's /bin/kill inside the root; a real system has it, the stage needs a stub.
        try FileManager.default.createDirectory(atPath: stage.root + "/bin", withIntermediateDirectories: true)
        try stage.temporary.write("root/bin/kill", "#!/bin/sh\n")
        chmod(stage.root + "/bin/kill", 0o755)

        let verify = try ChildProcess.run(
            analyze, ["verify", "--root=" + stage.root, "--recursive-errors=no", "--man=no", "hamlet.service"])
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.standardError)")
        #expect(verify.standardError.isEmpty, "systemd-analyze verify complained: \(verify.standardError)")
    }

    @Test func stagedUnitPassesSystemdAnalyzeSecurityAtThreshold15() throws {
        let analyze = try systemdAnalyze()
        let stage = try Stage()
        try #require(stage.result.status == 0, "install.sh failed: \(stage.result.standardError)")

        let security = try ChildProcess.run(
            analyze, ["security", "--offline=true", "--root=" + stage.root, "--threshold=15", "hamlet.service"])
        let summary = security.standardOutput.split(separator: "\n").last { $0.contains("Overall exposure level") }
        #expect(security.status == 0, "exposure above 1.5: \(summary ?? "")\n\(security.standardError)")
        let exposure = summary.flatMap { line in
            line.split(separator: " ").compactMap { Double($0) }.first
        }
        print("systemd-analyze security: \(summary ?? "no summary line")")
        #expect(exposure.map { $0 <= 1.5 } == true, "\(security.standardOutput)")
    }
}
