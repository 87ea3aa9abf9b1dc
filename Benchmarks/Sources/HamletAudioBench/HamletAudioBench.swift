// hamlet-audio-bench: the audio front end per hop, and the whole path recording replay →
// log-mel → learner step as a real-time factor on one core, with allocations per frame.
//
//   hamlet-audio-bench [--seconds 60] [--state 128]
import AudioCapture
import Foundation
import HamiltonianLearning
import MallocCounter
import StreamFeatures

@main
struct HamletAudioBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
            return v
        }
        let seconds = option("--seconds", 60), state = option("--state", 128)
        let rate = 16_000
        let samples = signal(count: seconds * rate)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hamlet-audio-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wav = directory.appendingPathComponent("bench.wav").path
        try writeWAV(samples, rate: rate, to: wav)
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown"
        print("machine: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores; \(seconds) s of 16 kHz audio")

        // Front end alone.
        let floats = samples.map { Float($0) / 32768 }
        var best = Double.infinity
        var frames = 0
        for _ in 0..<5 {
            let extractor = FeatureExtractor(FeatureConfiguration(normalizationFrames: 1000))
            frames = 0
            let start = DispatchTime.now().uptimeNanoseconds
            floats.withUnsafeBufferPointer { extractor.push($0) { _ in frames += 1 } }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        let hopSeconds = 0.010
        print(String(format: "front end (40-band log-mel, normalised): %.2f µs per hop, %.0f× real time", best / Double(frames) / 1000,
                     hopSeconds / (best / Double(frames) / 1e9)))

        // The floor under any learner step of this size: θ and ω streamed once, θ read once more.
        let parameterCount = Forecaster<Float>(.init(inputCount: 40, stateCount: state)).layout.count
        let integration = IntegrationFloor.secondsPerStep(parameters: parameterCount)
        let read = IntegrationFloor.secondsPerRead(parameters: parameterCount)
        let frontEnd = best / Double(frames) / 1e9
        print(String(format: "floor for %d parameters: θ and ω read and written once %.2f µs, θ read once (a forward pass) %.2f µs; "
                         + "with the front end, no learning step of this size can beat %.0f× real time here", parameterCount, integration * 1e6, read * 1e6,
                     hopSeconds / (integration + read + frontEnd)))

        // Whole path.
        for mode in [RecurrentGradientMode.costate, .traces] {
            let learner = HamiltonianLearner(
                model: Forecaster<Float>(.init(inputCount: 40, stateCount: state, gradientMode: mode)),
                configuration: .init(beta: 0.003, eta: 0.5), seed: 1)
            let replay = try RecordingReplay(path: wav, configuration: .init(sampleRateHz: rate, periodFrames: 320))
            let extractor = FeatureExtractor(FeatureConfiguration(normalizationFrames: 1000))
            var period = [Float](repeating: 0, count: 320)
            var pending = false
            var steps = 0
            replay.start()
            hamlet_malloc_counter_reset()
            hamlet_malloc_counter_enable(true)
            let start = DispatchTime.now().uptimeNanoseconds
            period.withUnsafeMutableBufferPointer { buffer in
                while case .period(let info) = replay.nextPeriod(into: buffer, timeout: nil) {
                    extractor.push(UnsafeBufferPointer(rebasing: buffer[0..<info.validFrames])) { feature in
                        if pending {
                            learner.learn(target: feature.baseAddress!)
                            steps += 1
                        }
                        learner.forward(input: feature.baseAddress!)
                        pending = true
                    }
                }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            hamlet_malloc_counter_enable(false)
            let counts = hamlet_malloc_counter_read()
            print(String(format: "whole path, %@ (state %d): %d frames in %.3f s: %.1f µs per frame, %.0f× real time, %.2f mallocs per frame",
                         mode.rawValue, state, steps, elapsed, elapsed / Double(steps) * 1e6, Double(seconds) / elapsed,
                         Double(counts.allocations) / Double(steps)))
        }
    }

    static func signal(count: Int) -> [Int16] {
        var state: UInt64 = 42
        return (0..<count).map { n in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(Int64(bitPattern: state >> 11) % 1000) / 1000 - 0.5
            let t = Double(n) / 16_000
            return Int16((0.3 * sin(2 * .pi * 440 * t) + 0.1 * sin(2 * .pi * 1700 * t) + 0.1 * noise) * 32767)
        }
    }

    static func writeWAV(_ samples: [Int16], rate: Int, to path: String) throws {
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        let body = samples.withUnsafeBufferPointer { Data(buffer: $0) }
        var data = Data("RIFF".utf8) + le32(UInt32(36 + body.count)) + Data("WAVEfmt ".utf8)
        data += le32(16) + le16(1) + le16(1) + le32(UInt32(rate)) + le32(UInt32(rate * 2)) + le16(2) + le16(16)
        data += Data("data".utf8) + le32(UInt32(body.count)) + body
        try data.write(to: URL(fileURLWithPath: path))
    }
}
