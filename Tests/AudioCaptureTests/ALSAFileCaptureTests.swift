import AudioCapture
import Foundation
import Testing

/// Real capture through alsa-lib's `file` plugin (infile = raw file, slave = null), opened with
/// `snd_pcm_open_lconf` against a private configuration text: no environment variables or other
/// process-global state, so these tests run in parallel.
@Suite struct ALSAFileCaptureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var format: ALSASampleFormat
        var channelCount: Int
        var testDescription: String { "\(format) × \(channelCount) ch" }
    }

    static let cases: [Case] = [
        Case(format: .s16LE, channelCount: 1), Case(format: .s16LE, channelCount: 2), Case(format: .s16LE, channelCount: 3),
        Case(format: .s32LE, channelCount: 1), Case(format: .s32LE, channelCount: 2),
        Case(format: .float32LE, channelCount: 1), Case(format: .float32LE, channelCount: 2),
    ]

    @Test("captured samples equal the file bit for bit after conversion and down-mix", arguments: cases)
    func bitExactCapture(_ c: Case) throws {
        let dir = TemporaryDirectory()
        let periodFrames = 256, periods = 16
        let signal = RawSignal(format: c.format, channelCount: c.channelCount, frames: periodFrames * periods, seed: 42)
        let infile = try dir.write("signal.raw", signal.bytes)
        let log = LogRecorder()
        let capture = try ALSACapture(
            configuration: ALSACaptureConfiguration(
                deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: infile),
                sampleRateHz: 16_000, channelCount: c.channelCount, sampleFormat: c.format,
                periodFrames: periodFrames, bufferFrames: periodFrames * 4, ringPeriods: 64),
            logger: log.logger)
        capture.start()
        // The file plugin has no EOF (platform.md §3.2): read exactly the file's length.
        let got = collect(capture, count: periods)
        capture.stop()

        try #require(got.count == periods)
        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        #expect(got.map(\.info.sequenceNumber) == (0..<UInt64(periods)).map { $0 })
        #expect(got.allSatisfy { $0.info.validFrames == periodFrames && !$0.info.followsGap })
        #expect(capture.counters.periodsCaptured >= UInt64(periods))
        #expect(capture.counters.overruns == 0 && capture.counters.openFailures == 0)
        #expect(log.contains("opened ALSA PCM 'sensor' (private configuration): \(c.format) 16000 Hz \(c.channelCount) ch"))
        let negotiated = try #require(capture.negotiatedParameters)
        #expect(negotiated.sampleFormat == c.format && negotiated.channelCount == c.channelCount && negotiated.sampleRateHz == 16_000)
        #expect(negotiated.bufferFrames >= periodFrames)
    }

    @Test("capture through the file plugin is not paced: 10 s of audio arrive in well under 10 s")
    func captureSpeed() throws {
        let dir = TemporaryDirectory()
        let periodFrames = 320, periods = 500   // 10 s at 16 kHz
        let signal = RawSignal(format: .s16LE, channelCount: 1, frames: periodFrames * periods, seed: 7)
        let infile = try dir.write("speed.raw", signal.bytes)
        let capture = try ALSACapture(configuration: ALSACaptureConfiguration(
            deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: infile),
            periodFrames: periodFrames, bufferFrames: 1280, ringPeriods: periods))
        var got: [CollectedPeriod] = []
        let seconds = measure {
            capture.start()
            got = collect(capture, count: periods)
        }
        capture.stop()
        try #require(got.count == periods)
        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        #expect(seconds < 5)
        print("file-plugin capture: \(periods * periodFrames) frames (10 s of audio) in \(String(format: "%.1f", seconds * 1000)) ms")
    }

    @Test("a slow consumer makes the ring overflow: periods are dropped, counted and flagged")
    func ringOverflow() throws {
        let dir = TemporaryDirectory()
        let periodFrames = 64, periods = 64
        let signal = RawSignal(format: .s16LE, channelCount: 1, frames: periodFrames * periods, seed: 3)
        let infile = try dir.write("overflow.raw", signal.bytes)
        let capture = try ALSACapture(configuration: ALSACaptureConfiguration(
            deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: infile),
            periodFrames: periodFrames, bufferFrames: 256, ringPeriods: 4))
        capture.start()
        #expect(eventually { capture.counters.droppedPeriods >= 8 })
        // The first four periods were kept intact.
        let first = collect(capture, count: 4)
        #expect(mismatches(first.flatMap(\.samples), signal.expected[0..<(4 * periodFrames)]) == 0)
        #expect(first.map(\.info.sequenceNumber) == [0, 1, 2, 3])
        let stopSeconds = measure { capture.stop() }
        // After stop the consumer drains the rest, then sees end of stream.
        let rest = collectAll(capture)
        #expect(rest.count <= 4)
        if let next = rest.first {
            #expect(next.info.followsGap)
            #expect(next.info.sequenceNumber > 4)
        }
        let counters = capture.counters
        #expect(counters.droppedPeriods >= 8)
        #expect(counters.periodsCaptured == counters.droppedPeriods + UInt64(4 + rest.count))
        #expect(stopSeconds < 1)
        var buffer = [Float](repeating: 0, count: periodFrames)
        #expect(capture.nextPeriod(into: &buffer, timeout: .zero) == .endOfStream)
    }

    @Test("a missing infile is a real open failure: retried with back-off and logged until the file appears")
    func openFailureThenRecovery() throws {
        ALSACapture.silenceALSALibraryMessages()
        let dir = TemporaryDirectory()
        let periodFrames = 128, periods = 8
        let signal = RawSignal(format: .s16LE, channelCount: 1, frames: periodFrames * periods, seed: 11)
        let infile = dir.file("late.raw")
        let log = LogRecorder()
        let capture = try ALSACapture(
            configuration: ALSACaptureConfiguration(
                deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: infile),
                periodFrames: periodFrames, bufferFrames: 512,
                reopenInitialDelay: .milliseconds(10), reopenMaximumDelay: .milliseconds(40)),
            logger: log.logger)
        capture.start()
        #expect(eventually { capture.counters.openFailures >= 4 })
        // Appear atomically, so ALSA never sees a half-written file.
        try dir.write("late.tmp", signal.bytes)
        #expect(rename(dir.file("late.tmp"), infile) == 0)
        let got = collect(capture, count: periods)
        capture.stop()

        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        let counters = capture.counters
        #expect(counters.openFailures >= 4)
        #expect(counters.reopenAttempts == counters.openFailures)
        #expect(log.contains("cannot open ALSA PCM 'sensor' (private configuration): snd_pcm_open_lconf 'sensor': No such file or directory (-2); retrying in 0.01 s", level: .error))
        #expect(log.contains("retrying in 0.02 s"))
        #expect(log.contains("retrying in 0.04 s"))
        #expect(!log.contains("retrying in 0.08 s"))          // capped
        #expect(log.contains("reopened ALSA PCM 'sensor'", level: .info))
    }

    @Test("an unknown PCM name in the stock configuration: logged open failures, no crash, prompt stop")
    func unknownDeviceInStockConfiguration() throws {
        ALSACapture.silenceALSALibraryMessages()
        let log = LogRecorder()
        // Through snd_pcm_open and the system's alsa.conf (the path "default" or "plughw:…" take);
        // a name no configuration defines fails the same way on every machine.
        let capture = try ALSACapture(
            configuration: ALSACaptureConfiguration(
                deviceName: "hamlet_no_such_pcm", reopenInitialDelay: .milliseconds(20), reopenMaximumDelay: .seconds(5)),
            logger: log.logger)
        capture.start()
        #expect(eventually { capture.counters.openFailures >= 2 })
        #expect(measure { capture.stop() } < 1)
        #expect(log.contains(
            "cannot open ALSA PCM 'hamlet_no_such_pcm': snd_pcm_open 'hamlet_no_such_pcm': No such file or directory (-2); retrying in 0.02 s",
            level: .error))
        #expect(log.contains("retrying in 0.04 s"))
    }

    @Test("invalid settings are refused with the setting's name")
    func configurationValidation() {
        #expect(throws: AudioConfigurationError.self) {
            try ALSACapture(configuration: ALSACaptureConfiguration(bufferFrames: 100))
        }
        do {
            _ = try ALSACapture(configuration: ALSACaptureConfiguration(channelCount: 0))
            Issue.record("channelCount 0 accepted")
        } catch {
            #expect(error.description == "channelCount = 0 is invalid: must be in 1…64")
        }
        #expect(throws: AudioConfigurationError.self) {
            try ALSACapture(configuration: ALSACaptureConfiguration(reopenInitialDelay: .seconds(10), reopenMaximumDelay: .seconds(1)))
        }
    }

    @Test("stop before start, double stop and start after stop are harmless")
    func lifecycle() throws {
        let capture = try ALSACapture(configuration: ALSACaptureConfiguration(deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: "/nonexistent.raw")))
        capture.stop()
        capture.stop()
        capture.start()
        var buffer = [Float](repeating: 0, count: capture.periodFrames)
        #expect(capture.nextPeriod(into: &buffer, timeout: .milliseconds(100)) == .endOfStream)
        #expect(capture.counters == ALSACaptureCounters())
    }
}
