import Foundation
import Synchronization

/// Runs the built `hamlet` executable as a user would, with an empty signal mask
/// (Swift Testing's worker threads block signals and children would inherit that).
struct HamletProcess {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
        var lines: [String] { standardOutput.split(separator: "\n").map(String.init) }
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hamlet")
    }

    /// Runs hamlet to completion; `interruptAfter` sends SIGINT that many seconds after standard
    /// error first contains `interruptOnceStandardErrorContains` (or after the start when nil), as
    /// Ctrl-C would. Waiting for a line keeps a slow start on a loaded machine from being
    /// interrupted before hamlet has installed its signal handler.
    static func run(
        _ arguments: [String], standardInput: String? = nil, environment: [String: String] = [:],
        interruptAfter: Double? = nil, interruptOnceStandardErrorContains marker: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe(), error = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        var empty = sigset_t(), old = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        try process.run()
        // Drain both pipes while the child runs so a full pipe cannot stall it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        let errData = Mutex(Data())
        DispatchQueue.global().async(group: group) { outData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) {
            let handle = error.fileHandleForReading
            while case let chunk = handle.availableData, !chunk.isEmpty { errData.withLock { $0.append(chunk) } }
        }
        if let standardInput { input.fileHandleForWriting.write(Data(standardInput.utf8)) }
        try input.fileHandleForWriting.close()
        if let interruptAfter {
            if let marker {
                let deadline = Date().addingTimeInterval(60)
                while process.isRunning, Date() < deadline,
                    !errData.withLock({ String(decoding: $0, as: UTF8.self).contains(marker) })
                {
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
            Thread.sleep(forTimeInterval: interruptAfter)
            process.interrupt()
        }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: errData.withLock { String(decoding: $0, as: UTF8.self) })
    }
}

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hamlet-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
