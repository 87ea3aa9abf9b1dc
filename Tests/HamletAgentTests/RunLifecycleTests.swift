import Foundation
import HamletAgent
import SafeTensors
import SeededRandom
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
@testable import LearningPipeline

/// `hamlet run` as systemd runs it: the real executable, spawned with an empty signal mask,
/// talking sd_notify to a socket the test binds, reloaded with SIGHUP, stopped with SIGTERM and
/// killed with SIGKILL at random moments. Every run uses a tiny model and no broker.
@Suite(.serialized) struct RunLifecycleTests {
    enum NotifyAddress: String, CaseIterable, Sendable { case path, abstract }

    // MARK: sd_notify

    @Test(.timeLimit(.minutes(1)), arguments: NotifyAddress.allCases)
    func notifiesReadyWatchdogStatusAndStopping(address: NotifyAddress) async throws {
        let directory = try TemporaryDirectory()
        let socket = try address == .path ? NotifySocket(directory: directory.url.path) : NotifySocket.abstract()
        defer { socket.close() }
        let state = directory.path("state")
        let config = try directory.write("hamlet.yaml", RunSettings(stateDirectory: state, metricsIntervalSeconds: 0.25).yaml)
        let hamlet = try startHamlet(
            ["run", "--config", config], in: directory, name: "run",
            environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])
        defer { hamlet.killAndReap() }

        let ready = try #require(
            await socket.waitFor("READY=1", timeout: .seconds(20)),
            "no READY=1\nstderr: \(hamlet.standardError)\nreceived:\n\(socket.transcript)")
        #expect(ready == 0, "READY=1 must be the first message:\n\(socket.transcript)")
        #expect(socket.messages[ready].value("STATUS")?.isEmpty == false, "READY=1 comes with a STATUS")
        let readyTime = socket.messages[ready].time

        // One second of running: WATCHDOG_USEC/2 = 0.1 s between pings, STATUS every 0.25 s.
        try await Task.sleep(for: .seconds(1.3))
        let firstSecond = socket.messages.filter { $0.time > readyTime && $0.time <= readyTime + 1.0 }
        let pings = firstSecond.filter { $0.has("WATCHDOG=1") }.map(\.time)
        #expect(pings.count >= 3, "WATCHDOG=1 in the first second:\n\(socket.transcript)")
        if pings.count >= 3 {
            let intervals = zip(pings.dropFirst(), pings).map { $0 - $1 }
            let median = intervals.sorted()[intervals.count / 2]
            #expect((0.08...0.16).contains(median), "median ping interval \(median) s; WATCHDOG_USEC/2 is 0.1 s: \(intervals)")
            // systemd would kill the service after 0.2 s of silence; allow for a loaded, shared machine.
            #expect(intervals.max()! < 0.5, "ping intervals: \(intervals)")
        }
        let statuses = socket.messages.filter { !$0.has("READY=1") && $0.value("STATUS") != nil }
        #expect(statuses.count >= 2, "STATUS= every 0.25 s expected:\n\(socket.transcript)")
        for status in statuses {
            #expect(status.value("STATUS")!.hasPrefix("step "), "metrics status line: \(status)")
        }
        #expect(hamlet.isRunning, "stderr: \(hamlet.standardError)")

        hamlet.kill(SIGTERM)
        let exit = await hamlet.wait(timeout: .seconds(15))
        #expect(exit == 0, "exit status after SIGTERM; stderr: \(hamlet.standardError)")
        let stopping = await socket.waitFor("STOPPING=1", from: ready, timeout: .seconds(2))
        try await Task.sleep(for: .milliseconds(100))
        #expect(stopping != nil && stopping == socket.messages.count - 1, "STOPPING=1 must be the last message:\n\(socket.transcript)")

        // checkpoints.every_seconds 0: the one checkpoint is the shutdown one.
        let checkpoints = CheckpointDirectory(path: state + "/checkpoints")
        #expect(checkpoints.generations.count == 1, "\(checkpoints.names)")
        #expect(checkpoints.leftovers.isEmpty, "\(checkpoints.names)")
        let newest = try #require(checkpoints.newest)
        let saved = try checkpointStep(newest)
        let logged = try #require(Self.stoppedAfterSteps(hamlet.standardError), "stderr: \(hamlet.standardError)")
        #expect(saved > 0 && saved == logged, "checkpoint step \(saved), log says \(logged)")
    }

    /// A slow source sleeps between steps; it must keep the watchdog fed from its idle callback.
    /// A ping can come up to one idle period (0.1 s) after WATCHDOG_USEC/2, so the bound is loose.
    @Test(.timeLimit(.minutes(1)))
    func watchdogIsFedWhileTheSourceIdles() async throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(directory: directory.url.path)
        defer { socket.close() }
        let config = try directory.write("hamlet.yaml", RunSettings(stateDirectory: directory.path("state"), rateHz: 1).yaml)
        let hamlet = try startHamlet(
            ["run", "--config", config], in: directory, name: "run",
            environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])
        defer { hamlet.killAndReap() }

        let ready = try #require(
            await socket.waitFor("READY=1", timeout: .seconds(20)), "stderr: \(hamlet.standardError)\n\(socket.transcript)")
        let readyTime = socket.messages[ready].time
        try await Task.sleep(for: .seconds(1.7))
        // One step per second: nearly all of this time is spent waiting for the next tick.
        let pings = socket.messages.filter { $0.has("WATCHDOG=1") && $0.time > readyTime && $0.time <= readyTime + 1.5 }.map(\.time)
        #expect(pings.count >= 6, "WATCHDOG=1 within 1.5 s of an idle source:\n\(socket.transcript)")
        let intervals = zip(pings.dropFirst(), pings).map { $0 - $1 }
        #expect((intervals.max() ?? 1) < 0.5, "ping intervals while idle: \(intervals)")

        // SIGINT (Ctrl-C) stops it as SIGTERM does, also in the middle of a wait.
        hamlet.kill(SIGINT)
        #expect(await hamlet.wait(timeout: .seconds(10)) == 0, "stderr: \(hamlet.standardError)")
        #expect(socket.messages.last?.has("STOPPING=1") == true, "\(socket.transcript)")
    }

    // MARK: SIGHUP

    @Test(.timeLimit(.minutes(1)))
    func sighupReloadsAndABadFileKeepsTheRunningConfiguration() async throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(directory: directory.url.path)
        defer { socket.close() }
        let state = directory.path("state")
        var settings = RunSettings(stateDirectory: state)
        let config = try directory.write("hamlet.yaml", settings.yaml)
        let hamlet = try startHamlet(
            ["run", "--config", config], in: directory, name: "run",
            environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])
        defer { hamlet.killAndReap() }
        try #require(
            await socket.waitFor("READY=1", timeout: .seconds(20)) != nil, "stderr: \(hamlet.standardError)\n\(socket.transcript)")

        /// Sends SIGHUP; waits for the `count`-th stderr line containing `logged` and for
        /// RELOADING=1 then READY=1 on the socket; returns that line.
        func reload(expecting logged: String, count: Int) async throws -> String {
            let before = socket.messages.count
            hamlet.kill(SIGHUP)
            let found = await eventually(timeout: .seconds(10)) { Self.lines(hamlet.standardError, containing: logged).count >= count }
            try #require(found, "no \"\(logged)\" (#\(count)) in stderr:\n\(hamlet.standardError)")
            let reloading = try #require(
                await socket.waitFor("RELOADING=1", from: before, timeout: .seconds(5)), "no RELOADING=1:\n\(socket.transcript)")
            let usec = try #require(socket.messages[reloading].value("MONOTONIC_USEC").flatMap(UInt64.init), "\(socket.messages[reloading])")
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let nowUsec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
            #expect(usec <= nowUsec && nowUsec - usec < 10_000_000, "MONOTONIC_USEC \(usec) vs now \(nowUsec)")
            #expect(
                await socket.waitFor("READY=1", from: reloading + 1, timeout: .seconds(5)) != nil,
                "READY=1 must follow RELOADING=1:\n\(socket.transcript)")
            return Self.lines(hamlet.standardError, containing: logged)[count - 1]
        }

        // 1. A live setting: applied, nothing waits for a restart.
        settings.beta = 0.01
        _ = try directory.write("hamlet.yaml", settings.yaml)
        let first = try await reload(expecting: "configuration reloaded", count: 1)
        #expect(!first.contains("next restart"), "beta is applied live: \(first)")

        // 2. A setting that needs a restart: named as such.
        settings.stateSize = 16
        _ = try directory.write("hamlet.yaml", settings.yaml)
        let second = try await reload(expecting: "configuration reloaded", count: 2)
        #expect(second.contains("changes to model take effect at the next restart"), "\(second)")

        // 3. The same file again: the running model is still the old one, so it is still pending.
        let third = try await reload(expecting: "configuration reloaded", count: 3)
        #expect(third.contains("changes to model take effect at the next restart"), "\(third)")

        // 4. A broken file: an unknown key and a bad value, both named; the agent keeps running.
        var broken = settings
        broken.learningExtra = ["betta: 0.02", "eta: -1"]
        _ = try directory.write("hamlet.yaml", broken.yaml)
        _ = try await reload(expecting: "reload failed; the running configuration stays in force:", count: 1)
        let failure = hamlet.standardError.components(separatedBy: "reload failed").last ?? ""
        #expect(failure.contains("learning.betta") && failure.contains("did you mean beta"), "\(failure)")
        #expect(failure.contains("learning.eta"), "\(failure)")
        let afterFailure = socket.messages.count
        let stillPinging = await eventually(timeout: .seconds(5)) {
            socket.messages[afterFailure...].filter { $0.has("WATCHDOG=1") }.count >= 3
        }
        #expect(stillPinging, "WATCHDOG=1 must go on after a failed reload:\n\(socket.transcript)")
        #expect(hamlet.isRunning, "stderr: \(hamlet.standardError)")

        hamlet.kill(SIGTERM)
        #expect(await hamlet.wait(timeout: .seconds(15)) == 0, "stderr: \(hamlet.standardError)")
        #expect(socket.messages.last?.has("STOPPING=1") == true, "\(socket.transcript)")

        // The shutdown checkpoint shows what actually ran: the reloaded beta, the original model.
        let newest = try #require(CheckpointDirectory(path: state + "/checkpoints").newest)
        let description = try LearnerCheckpoint.describe(try LearnerCheckpoint.read(path: newest))
        #expect(description.hamiltonian.beta == 0.01, "beta in the checkpoint: \(description.hamiltonian.beta)")
        #expect(description.model.summary.contains("8 states"), "\(description.model.summary)")

        // The restart picks up state_size 16, which the old checkpoint does not fit.
        _ = try directory.write("hamlet.yaml", settings.yaml)
        let restarted = try startHamlet(["run", "--config", config], in: directory, name: "restart")
        defer { restarted.killAndReap() }
        let noticed = await eventually(timeout: .seconds(20)) { restarted.standardError.contains("holds another model") }
        #expect(noticed, "stderr after the restart: \(restarted.standardError)")
        restarted.kill(SIGTERM)
        #expect(await restarted.wait(timeout: .seconds(15)) == 0, "stderr: \(restarted.standardError)")
        let replaced = try #require(CheckpointDirectory(path: state + "/checkpoints").newest)
        let replacedModel = try LearnerCheckpoint.describe(try LearnerCheckpoint.read(path: replaced)).model
        #expect(replacedModel.summary.contains("16 states"), "\(replacedModel.summary)")
    }

    // MARK: kill -9

    @Test(.timeLimit(.minutes(1)))
    func survivesSigkillAtRandomMoments() async throws {
        let directory = try TemporaryDirectory()
        let state = directory.path("state")
        let checkpoints = CheckpointDirectory(path: state + "/checkpoints")
        let config = try directory.write(
            "hamlet.yaml", RunSettings(stateDirectory: state, rateHz: 0, checkpointEverySteps: 50).yaml)
        var random = SplitMix64(seed: 0x4841_4D4C_4554)
        var lastRestored: Int64 = -1
        var restores = 0
        let rounds = 10

        for round in 0...rounds {
            let expected = checkpoints.newest
            let expectedStep = try expected.map(checkpointStep)
            let hamlet = try startHamlet(["run", "--config", config], in: directory, name: "round-\(round)")
            defer { hamlet.killAndReap() }
            if round < rounds {
                try await Task.sleep(for: .seconds(Double.random(in: 0.2...1.5, using: &random)))
                hamlet.kill(SIGKILL)
                let status = await hamlet.wait(timeout: .seconds(5))
                #expect(status == 128 + SIGKILL, "round \(round) ended by itself (\(String(describing: status))): \(hamlet.standardError)")
            } else {
                // The last run ends normally.
                let started = await eventually(timeout: .seconds(20)) { hamlet.standardError.contains("restored") }
                #expect(started, "stderr: \(hamlet.standardError)")
                try await Task.sleep(for: .milliseconds(300))
                hamlet.kill(SIGTERM)
                #expect(await hamlet.wait(timeout: .seconds(15)) == 0, "stderr: \(hamlet.standardError)")
            }
            let errors = hamlet.standardError
            #expect(!errors.contains("no checkpoint could be restored") && !errors.contains("unreadable"), "round \(round): \(errors)")
            if let expected, let expectedStep {
                // The newest committed generation is complete, and it is the one restored.
                let restored = try #require(
                    errors.firstMatch(of: /restored (\S+) at step (\d+)/), "round \(round) did not restore \(expected): \(errors)")
                #expect(String(restored.1) == expected, "round \(round)")
                let step = try #require(Int64(restored.2))
                #expect(step == expectedStep, "round \(round): restored step \(step), the file holds \(expectedStep)")
                #expect(step >= lastRestored, "round \(round): restored step \(step) after \(lastRestored)")
                lastRestored = step
                restores += 1
            } else {
                #expect(!errors.contains("restored"), "round \(round) restored from nothing: \(errors)")
            }
            // A kill between commit and clean-up can leave one extra generation and one
            // interrupted save's files; the next save removes them, so they never pile up.
            #expect(checkpoints.generations.count <= 3, "round \(round): \(checkpoints.names)")
            #expect(checkpoints.leftovers.count <= 2, "round \(round): \(checkpoints.names)")
        }
        #expect(restores >= rounds - 2, "only \(restores) of \(rounds) restarts restored a checkpoint")
        #expect(lastRestored > 0)
        // After a clean shutdown: exactly the two newest generations, nothing else.
        #expect(checkpoints.generations.count == 2, "\(checkpoints.names)")
        #expect(checkpoints.leftovers.isEmpty, "\(checkpoints.names)")
        let final = try checkpointStep(try #require(checkpoints.newest))
        #expect(final > lastRestored, "final checkpoint at step \(final), last restored \(lastRestored)")
    }

    // MARK: bad configuration at start

    static let badFiles: [(name: String, yaml: String, expected: [String])] = [
        (
            "four kinds of mistakes",
            """
            learning:
              betta: 0.1
              tau: 0
            source:
              kind: recording
              synthetic:
                channels: four
            """,
            [
                "bad.yaml:2: learning.betta: unknown key; did you mean beta?", "bad.yaml:3: learning.tau:",
                "bad.yaml:7: source.synthetic.channels:", "source.recording.path:",
            ]
        ),
        ("YAML syntax", "learning:\n  beta: [\n", ["bad.yaml:3: YAML syntax error"]),
    ]

    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func badConfigurationExitsWith78AndNamesEveryKey(check: Bool) async throws {
        let directory = try TemporaryDirectory()
        for file in Self.badFiles {
            let path = try directory.write("bad.yaml", "agent:\n  state_directory: \"\(directory.path("state"))\"\n" + file.yaml)
            let hamlet = try startHamlet(
                ["run", "--config", path] + (check ? ["--check"] : []), in: directory, name: "bad", cwd: directory)
            let status = await hamlet.wait(timeout: .seconds(15))
            #expect(status == 78, "\(file.name): \(hamlet.standardError)")
            let errors = hamlet.standardError
            #expect(errors.contains("the configuration is not valid"), "\(file.name): \(errors)")
            for text in file.expected {
                // The agent section adds two lines at the top of the file.
                let shifted = text.replacing(/bad\.yaml:(\d+)/) { "bad.yaml:\(Int($0.1)! + 2)" }
                #expect(errors.contains(shifted), "\(file.name): \(shifted) missing from:\n\(errors)")
            }
            #expect(hamlet.standardOutput.isEmpty, "\(file.name): \(hamlet.standardOutput)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("state")), "\(file.name) started anyway")
        }
        let missing = try startHamlet(
            ["run", "--config", directory.path("missing.yaml")] + (check ? ["--check"] : []), in: directory, name: "missing")
        #expect(await missing.wait(timeout: .seconds(15)) == 78, "\(missing.standardError)")
        #expect(missing.standardError.contains("missing.yaml: does not exist"), "\(missing.standardError)")
    }

    @Test(.timeLimit(.minutes(1)))
    func checkPrintsTheShippedConfigurationAsJSON() async throws {
        let directory = try TemporaryDirectory()
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/hamlet.yaml").path
        let hamlet = try startHamlet(["run", "--config", shipped, "--check"], in: directory, name: "check", cwd: directory)
        #expect(await hamlet.wait(timeout: .seconds(15)) == 0, "\(hamlet.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(hamlet.standardOutput.utf8)) as? [String: Any], "\(hamlet.standardOutput)")
        for section in ["agent", "source", "audio", "model", "learning", "drift", "mqtt", "outputs", "checkpoints", "metrics"] {
            #expect(object[section] is [String: Any], "section \(section) in \(hamlet.standardOutput)")
        }
        let model = try #require(object["model"] as? [String: Any])
        #expect((model["state_size"] as? NSNumber)?.intValue == 64)
        // --check starts nothing: no state directory appears in the working directory.
        #expect(!FileManager.default.fileExists(atPath: directory.path("hamlet-state")))
    }

    // MARK: helpers

    static func lines(_ text: String, containing needle: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.contains(needle) }
    }

    /// N from `stopped after N steps`.
    static func stoppedAfterSteps(_ text: String) -> Int64? {
        text.firstMatch(of: /stopped after (\d+) steps/).flatMap { Int64($0.1) }
    }
}
