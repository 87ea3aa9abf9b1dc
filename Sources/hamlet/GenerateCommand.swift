import ArgumentParser
import Glibc
import HamletAgent

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded synthetic sensor stream as CSV, for trying hamlet out.",
        discussion: "Example: hamlet generate --steps 50000 | hamlet learn --every 5000")

    @Option(help: "sinusoids (a mixture of three per channel) or ar (a noisy damped AR(2) oscillation).")
    var kind: SyntheticStream.Kind = .sinusoids

    @Option(help: "Number of records.")
    var steps: Int = 10_000

    @Option(help: "Number of channels (columns).")
    var channels: Int = 4

    @Option(help: "Standard deviation of added Gaussian noise (for ar, of its driving noise; 0 means 0.1).")
    var noise: Double = 0

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    mutating func validate() throws {
        if steps < 0 { throw ValidationError("--steps must be zero or positive") }
        if channels < 1 { throw ValidationError("--channels must be at least 1") }
        if !(noise >= 0 && noise.isFinite) { throw ValidationError("--noise must be zero or positive") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var stream = SyntheticStream(kind: kind, channels: channels, noise: noise, seed: seed)
        let output = LineWriter()
        do {
            try output.writeLine((0..<channels).map { "x\($0)" }.joined(separator: ","))
            for _ in 0..<steps {
                try output.writeLine(stream.next().map { String(format: "%.6g", $0) }.joined(separator: ","))
            }
            try output.flush()
        } catch {
            // A closed pipe (e.g. `| head`) just ends the stream.
            return
        }
    }
}

extension SyntheticStream.Kind: ExpressibleByArgument {}

import Foundation
