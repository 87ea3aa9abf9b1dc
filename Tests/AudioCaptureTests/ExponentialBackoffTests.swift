import AudioCapture
import SystemPrimitives
import Testing

@Suite struct ExponentialBackoffTests {
    @Test("doubles from the initial delay, caps at the maximum, resets")
    func schedule() {
        var backoff = ExponentialBackoff(initial: .milliseconds(100), maximum: .seconds(5))
        let delays = (0..<9).map { _ in backoff.nextDelay() }
        #expect(delays == [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
            .milliseconds(3200), .seconds(5), .seconds(5), .seconds(5),
        ])
        backoff.reset()
        #expect(backoff.nextDelay() == .milliseconds(100))
    }

    @Test("the default capture configuration backs off 0.1 s → 5 s and validates")
    func defaults() throws {
        let c = ALSACaptureConfiguration()
        #expect(c.deviceName == "default" && c.sampleRateHz == 16_000 && c.periodFrames == 320)
        #expect(c.reopenInitialDelay == .milliseconds(100) && c.reopenMaximumDelay == .seconds(5))
        #expect(c.periodDuration == .milliseconds(20))
        try c.validate()
    }
}
