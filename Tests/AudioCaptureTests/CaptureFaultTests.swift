import AudioCapture
import Foundation
import Testing

/// The recovery state machine, driven by faults injected between the capture loop and a real
/// file-plugin PCM (the null-backed plugin never overruns, is never suspended, never vanishes).
@Suite struct CaptureFaultTests {
    let directory = TemporaryDirectory()

    func makeCapture(
        frames periodFrames: Int, periods: Int, seed: UInt64, faults: PCMFaultInjection, log: LogRecorder,
        initialDelay: Duration = .milliseconds(10), maximumDelay: Duration = .milliseconds(40), ringPeriods: Int = 64
    ) throws -> (ALSACapture, RawSignal) {
        let signal = RawSignal(format: .s16LE, channelCount: 2, frames: periodFrames * periods, seed: seed)
        let infile = try directory.write("fault-\(seed).raw", signal.bytes)
        let capture = try ALSACapture(
            configuration: ALSACaptureConfiguration(
                deviceName: "sensor", alsaConfiguration: fileCaptureConfiguration(infile: infile),
                channelCount: 2, periodFrames: periodFrames, bufferFrames: periodFrames * 4, ringPeriods: ringPeriods,
                reopenInitialDelay: initialDelay, reopenMaximumDelay: maximumDelay),
            faultInjection: faults, logger: log.logger)
        return (capture, signal)
    }

    @Test("-EPIPE every 3rd read: recovered with snd_pcm_recover, counted, data continuous")
    func overrunRecovery() throws {
        let log = LogRecorder()
        let (capture, signal) = try makeCapture(frames: 256, periods: 16, seed: 21, faults: PCMFaultInjection(overrunEveryReads: 3), log: log)
        capture.start()
        let got = collect(capture, count: 16)
        capture.stop()
        // An injected overrun consumes nothing, and after snd_pcm_prepare the file plugin carries
        // on where it was, so the stream is complete and exact.
        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        #expect(got.map(\.info.sequenceNumber) == (0..<16).map { UInt64($0) })
        // 16 good reads need at least 23 reads, of which reads 3, 6, …, 21 failed.
        let counters = capture.counters
        #expect(counters.overruns >= 7)
        #expect(counters.deviceLosses == 0 && counters.reopenAttempts == 0)
        // Reads: p0 p1 EPIPE p2 p3 EPIPE p4 … so every even period from 2 follows a gap.
        #expect(got.map(\.info.followsGap) == (0..<16).map { $0 >= 2 && $0 % 2 == 0 })
        #expect(log.contains("overrun #1, recovering", level: .warning))
        #expect(log.contains("overrun #2,"))
        #expect(log.contains("overrun #4,"))
        #expect(!log.contains("overrun #3,"))        // logged at powers of two only
    }

    @Test("-ESTRPIPE every 4th read: recovered, counted as suspends, data continuous")
    func suspendRecovery() throws {
        let log = LogRecorder()
        let (capture, signal) = try makeCapture(frames: 128, periods: 12, seed: 22, faults: PCMFaultInjection(suspendEveryReads: 4), log: log)
        capture.start()
        let got = collect(capture, count: 12)
        capture.stop()
        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        #expect(capture.counters.suspends >= 3)
        #expect(capture.counters.overruns == 0)
        #expect(log.contains("suspend #1, recovering"))
    }

    @Test("-EINTR every 2nd read is retried silently")
    func interruptedReads() throws {
        let log = LogRecorder()
        let (capture, signal) = try makeCapture(frames: 128, periods: 10, seed: 23, faults: PCMFaultInjection(interruptEveryReads: 2), log: log)
        capture.start()
        let got = collect(capture, count: 10)
        capture.stop()
        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        #expect(got.allSatisfy { !$0.info.followsGap })
        #expect(capture.counters.interruptedCalls >= 9)
        #expect(!log.contains("recovering"))
    }

    @Test("-ENODEV once: the device is closed, logged, reopened after back-off; the stream restarts")
    func deviceLossAndReopen() throws {
        let log = LogRecorder()
        let (capture, signal) = try makeCapture(
            frames: 256, periods: 12, seed: 24, faults: PCMFaultInjection(deviceLossAfterReads: 5), log: log,
            initialDelay: .milliseconds(30))
        let clock = ContinuousClock()
        let start = clock.now
        capture.start()
        let got = collect(capture, count: 12)
        let elapsed = clock.now - start
        capture.stop()

        try #require(got.count == 12)
        let p = 256
        // Five periods, then the reopened file plugin starts its infile from the beginning.
        #expect(mismatches(got[0..<5].flatMap(\.samples), signal.expected[0..<(5 * p)]) == 0)
        #expect(mismatches(got[5...].flatMap(\.samples), signal.expected[0..<(7 * p)]) == 0)
        #expect(got.map(\.info.followsGap) == (0..<12).map { $0 == 5 })
        #expect(got.map(\.info.sequenceNumber) == (0..<12).map { UInt64($0) })
        let counters = capture.counters
        #expect(counters.deviceLosses == 1)
        #expect(counters.reopenAttempts == 1)
        #expect(counters.openFailures == 0)
        #expect(elapsed >= .milliseconds(30))                 // waited the back-off
        #expect(log.contains("lost ALSA PCM 'sensor' (private configuration): snd_pcm_readi: No such device (-19); reopening in 0.03 s", level: .error))
        #expect(log.contains("reopened ALSA PCM 'sensor'", level: .info))
    }

    @Test("failing opens back off exponentially to the cap, then capture proceeds")
    func openBackoff() throws {
        let log = LogRecorder()
        let (capture, signal) = try makeCapture(frames: 128, periods: 6, seed: 25, faults: PCMFaultInjection(failingOpens: 5), log: log)
        capture.start()
        let got = collect(capture, count: 6)
        capture.stop()
        #expect(mismatches(got.flatMap(\.samples), signal.expected) == 0)
        #expect(got.first?.info.followsGap == true)           // the stream starts after a reopen
        let counters = capture.counters
        #expect(counters.openFailures == 5)
        #expect(counters.reopenAttempts == 5)
        let delays = log.messages.compactMap { m -> String? in
            guard m.hasPrefix("cannot open"), let r = m.range(of: "retrying in ") else { return nil }
            return String(m[r.upperBound...])
        }
        #expect(delays == ["0.01 s", "0.02 s", "0.04 s", "0.04 s", "0.04 s"])
        #expect(log.contains("No such device (-19)"))
    }

    @Test("stop() returns within one period while the device delivers nothing")
    func stopWhileStalled() throws {
        let log = LogRecorder()
        // 1600 frames at 16 kHz = a 100 ms period, so snd_pcm_wait times out after 100 ms.
        let (capture, _) = try makeCapture(frames: 1600, periods: 2, seed: 26, faults: PCMFaultInjection(stallsReads: true), log: log)
        #expect(capture.stopLatencyBound == .milliseconds(100))
        capture.start()
        var buffer = [Float](repeating: 0, count: 1600)
        #expect(capture.nextPeriod(into: &buffer, timeout: .milliseconds(250)) == .timedOut)
        let seconds = measure { capture.stop() }
        #expect(seconds < 1)
        #expect(capture.nextPeriod(into: &buffer, timeout: .seconds(1)) == .endOfStream)
        #expect(capture.counters.periodsCaptured == 0)
        print("stop while stalled (100 ms period): \(String(format: "%.1f", seconds * 1000)) ms")
    }

    @Test("stop() interrupts a long back-off sleep")
    func stopDuringBackoff() throws {
        let log = LogRecorder()
        let (capture, _) = try makeCapture(
            frames: 128, periods: 2, seed: 27, faults: PCMFaultInjection(failingOpens: 1_000), log: log,
            initialDelay: .seconds(5), maximumDelay: .seconds(5))
        capture.start()
        #expect(eventually { capture.counters.openFailures == 1 })
        let seconds = measure { capture.stop() }
        #expect(seconds < 1)
        #expect(capture.counters.reopenAttempts == 0)
        print("stop during a 5 s back-off: \(String(format: "%.1f", seconds * 1000)) ms")
    }
}
