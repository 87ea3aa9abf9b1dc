import SystemPrimitives
import ArgumentParser
import Glibc
import AudioCapture
import HamletAgent

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded synthetic sensor stream as CSV, or the demo recording as WAV, for trying hamlet out.",
        discussion: """
            Examples:
              hamlet generate --steps 50000 | hamlet learn --every 5000
              hamlet generate --demo-audio demo.wav     (speech, then a machine hum: a known change)
            """)

    @Option(help: ArgumentHelp("Write the demo recording (16 kHz mono WAV: speech, then a machine hum) here instead.", valueName: "file"))
    var demoAudio: String?

    @Option(help: "Demo recording: seconds of speech before the change.")
    var speechSeconds: Double = 30

    @Option(help: "Demo recording: seconds of machine hum after the change.")
    var humSeconds: Double = 30

    @Option(help: "Demo recording: mains frequency of the hum (50 or 60 Hz).")
    var mainsHz: Double = 50

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
        if let demoAudio { return try writeDemoRecording(to: demoAudio) }
        var stream = SyntheticStream(kind: kind, channels: channels, noise: noise, seed: seed)
        let output = LineWriter()
        do {
            try output.writeLine((0..<channels).map { "x\($0)" }.joined(separator: ","))
            for _ in 0..<steps {
                try output.writeLine(stream.next().map { PrintfFormat.string("%.6g", $0) }.joined(separator: ","))
            }
            try output.flush()
        } catch {
            // A closed pipe (e.g. `| head`) just ends the stream.
            return
        }
    }

    private func writeDemoRecording(to path: String) throws {
        let configuration = DemoRecordingConfiguration(
            speechSeconds: speechSeconds, humSeconds: humSeconds, mainsFrequencyHz: mainsHz, seed: seed)
        if let problem = configuration.problems.first { throw ValidationError(problem) }
        let recording = DemoRecording(configuration)
        do {
            try recording.write(to: path)
        } catch {
            printError("hamlet generate: \(error)")
            throw ExitCode(74)
        }
        printError(
            "hamlet generate: \(path): \(PrintfFormat.string("%.1f", recording.durationSeconds)) s; the hum starts at "
                + "\(PrintfFormat.string("%.2f", recording.changeSeconds)) s (feature frame "
                + "\(recording.changeFeatureFrame(hopFrames: 160, windowFrames: 400)))")
    }
}

extension SyntheticStream.Kind: ExpressibleByArgument {}

import FoundationEssentials
import LearningPipeline
