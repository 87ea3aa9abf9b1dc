/// What the consumer learns about one delivered period.
public struct PeriodInfo: Equatable, Sendable {
    /// Index of this period in the source's stream, counting from 0. Periods the ring dropped
    /// keep their numbers, so a jump in `sequenceNumber` means dropped periods.
    public var sequenceNumber: UInt64
    /// How many leading samples are audio: `periodFrames` except for the last period of a
    /// recording, whose tail is zero-filled.
    public var validFrames: Int
    /// True when audio was lost or the stream restarted just before this period
    /// (overrun, suspend, device reopened, or periods dropped because the consumer was slow).
    public var followsGap: Bool

    public init(sequenceNumber: UInt64, validFrames: Int, followsGap: Bool) {
        (self.sequenceNumber, self.validFrames, self.followsGap) = (sequenceNumber, validFrames, followsGap)
    }
}

/// The outcome of one `nextPeriod` call.
public enum PeriodReadResult: Equatable, Sendable {
    /// The buffer's first `periodFrames` samples hold a new period (mono Float).
    case period(PeriodInfo)
    /// No period arrived within the timeout; the buffer is untouched.
    case timedOut
    /// The source was stopped or the recording ended; every later call returns this too.
    case endOfStream
}

/// A source of fixed-size mono Float periods at `sampleRateHz`, pulled by one consumer thread.
/// ALSA capture and recording replay both conform, so the pipeline does not care which it reads.
///
/// `nextPeriod` must be called from one thread at a time (single consumer); `start` and `stop`
/// may be called from any thread. `nextPeriod` neither allocates nor takes a lock.
public protocol AudioPeriodSource: AnyObject, Sendable {
    /// Samples per second of the delivered periods.
    var sampleRateHz: Int { get }
    /// Samples per delivered period.
    var periodFrames: Int { get }
    /// Starts producing periods (opens the device / starts the replay clock). Idempotent.
    func start()
    /// Waits up to `timeout` (nil = forever) for the next period and copies it into the first
    /// `periodFrames` elements of `buffer`, which must hold at least that many.
    func nextPeriod(into buffer: UnsafeMutableBufferPointer<Float>, timeout: Duration?) -> PeriodReadResult
    /// Stops the source; blocks until its thread (if any) has ended. Idempotent.
    func stop()
}

extension AudioPeriodSource {
    /// Waits without a time limit for the next period.
    public func nextPeriod(into buffer: UnsafeMutableBufferPointer<Float>) -> PeriodReadResult {
        nextPeriod(into: buffer, timeout: nil)
    }

    /// Array convenience; does not allocate when `buffer` is uniquely referenced and large enough.
    public func nextPeriod(into buffer: inout [Float], timeout: Duration? = nil) -> PeriodReadResult {
        precondition(buffer.count >= periodFrames, "buffer holds \(buffer.count) samples, a period is \(periodFrames)")
        return buffer.withUnsafeMutableBufferPointer { nextPeriod(into: $0, timeout: timeout) }
    }

    /// Calls `body` with each period (a view valid only during the call) until the stream ends
    /// or `body` returns false. Runs on the calling thread; `scratch` is allocated once here.
    public func forEachPeriod(_ body: (UnsafeBufferPointer<Float>, PeriodInfo) throws -> Bool) rethrows {
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: periodFrames)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0)
        while true {
            switch nextPeriod(into: scratch, timeout: nil) {
            case .period(let info):
                if try !body(UnsafeBufferPointer(rebasing: scratch[0..<periodFrames]), info) { return }
            case .timedOut:
                continue
            case .endOfStream:
                return
            }
        }
    }
}
