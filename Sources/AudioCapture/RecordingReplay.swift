import CSampleRate
import CSndFile
import Synchronization
import Logging
import SystemPrimitives

/// Replays a recording (WAV in PCM 16/24/32-bit or float, any channel count, or anything else
/// libsndfile reads) as mono Float periods, through the same `AudioPeriodSource` interface as
/// ALSA capture.
///
/// - Down-mix: libsndfile's normalised floats (16-bit: x/32768, 24-bit: x/2^23, 32-bit: x/2^31,
///   float as stored), averaged over channels like `ALSASampleFormat`.
/// - A file at another rate is resampled with libsamplerate (`SRC_SINC_FASTEST` by default,
///   see `RecordingResampling`) after the down-mix, or refused when resampling is disabled.
/// - The last period is zero-padded; its `validFrames` says how much is audio.
/// - A WAV whose data chunk is shorter than its header says plays the frames that are there;
///   `recording.isTruncated` is set and a warning is logged.
/// - No thread of its own: `nextPeriod` decodes on the consumer's thread (and, with
///   `.realTime` pacing, sleeps there until the period is due). It allocates nothing after
///   `init`. Call `nextPeriod` from one thread at a time; `start`, `stop`, `counters` and
///   `failure` from any thread.
public final class RecordingReplay: AudioPeriodSource, @unchecked Sendable {
    public let path: String
    public let configuration: RecordingReplayConfiguration
    public let recording: RecordingInfo

    public var sampleRateHz: Int { configuration.sampleRateHz }
    public var periodFrames: Int { configuration.periodFrames }
    /// True when the file's rate differs from `sampleRateHz`.
    public var isResampling: Bool { resampler != nil }

    private let sndfile: hamlet_sndfile
    /// nil when the file is not resampled.
    private let samplerate: hamlet_samplerate?
    // Confined to the consumer thread.
    private var file: OpaquePointer?
    private var resampler: OpaquePointer?
    private let ratio: Double
    private let chunkFrames: Int
    private let interleaved: UnsafeMutablePointer<Float>   // chunkFrames × channels
    private let monoInput: UnsafeMutablePointer<Float>     // chunkFrames, resampling only
    private var inputStart = 0
    private var inputCount = 0
    private var inputEnded = false
    private var streamEnded = false
    private let staged: UnsafeMutablePointer<Float>        // the next period, decoded ahead of its deadline
    private var stagedFrames = -1                          // -1 = nothing staged
    private var periodIndex: UInt64 = 0

    // Shared.
    private let stopped = Atomic<Bool>(false)
    private let startNanoseconds = Atomic<Int64>(0)
    private let periodsDelivered = Atomic<UInt64>(0)
    private let framesRead = Atomic<UInt64>(0)
    private let framesDelivered = Atomic<UInt64>(0)
    private let failureBox = Mutex<RecordingError?>(nil)
    private let logger: Logger

    /// libsndfile reports why `sf_open` failed only through process-global state
    /// (`sf_error(NULL)`/`sf_strerror(NULL)`), which any other thread's `sf_open` resets; opens
    /// are serialised so the reason read is this open's. (Seen: a parallel successful open
    /// turned "Format not recognised." into "No Error.")
    private static let sndfileOpenLock = Mutex<Void>(())

    /// Opens `path` and prepares decoding (and resampling); throws a `RecordingError` naming
    /// the file and libsndfile's reason if it cannot be replayed.
    public init(
        path: String, configuration: RecordingReplayConfiguration = .init(), logger: Logger = Logger(label: "audio", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(RecordingError) {
        do { try configuration.validate() } catch { throw .invalidConfiguration(error) }
        self.path = path
        self.configuration = configuration
        self.logger = logger
        let sndfile: hamlet_sndfile
        do { sndfile = try AudioLibraries.requireSndfile(path: path) } catch { throw .cannotOpen(error) }
        self.sndfile = sndfile

        var info = SF_INFO()
        let opened: Result<OpaquePointer, SndFileError> = Self.sndfileOpenLock.withLock { _ in
            if let handle = sndfile.sf_open(path, Int32(SFM_READ), &info) { return .success(handle) }
            return .failure(SndFileError(operation: "sf_open", path: path, handle: nil, sndfile: sndfile))
        }
        let handle: OpaquePointer
        switch opened {
        case .success(let h): handle = h
        case .failure(let error): throw .cannotOpen(error)
        }
        var ok = false
        defer { if !ok { _ = sndfile.sf_close(handle) } }
        guard info.channels >= 1 && info.channels <= 1024 else {
            throw .unusableHeader(path: path, reason: "channel count \(info.channels)")
        }
        guard info.samplerate >= 1 else {
            throw .unusableHeader(path: path, reason: "sample rate \(info.samplerate) Hz")
        }
        guard info.frames > 0 else { throw .noAudio(path: path) }

        let truncated = Self.parserLogReportsTruncation(handle, sndfile)
        recording = RecordingInfo(
            sampleRateHz: Int(info.samplerate), channelCount: Int(info.channels), frames: info.frames,
            formatName: hamlet_sf_major_format_name(sndfile, info.format).map { String(cString: $0) } ?? "unknown format",
            encodingName: hamlet_sf_subtype_name(sndfile, info.format).map { String(cString: $0) } ?? "unknown encoding",
            isTruncated: truncated)

        if recording.sampleRateHz != configuration.sampleRateHz {
            guard let converter = configuration.resampling.converter else {
                throw .sampleRateMismatch(path: path, fileRateHz: recording.sampleRateHz, requiredRateHz: configuration.sampleRateHz)
            }
            let samplerate: hamlet_samplerate
            do { samplerate = try AudioLibraries.requireSamplerate() } catch { throw .resamplerFailed(path: path, error) }
            self.samplerate = samplerate
            ratio = Double(configuration.sampleRateHz) / Double(recording.sampleRateHz)
            guard samplerate.src_is_valid_ratio(ratio) != 0 else {
                throw .resamplerFailed(
                    path: path,
                    SampleRateError(code: 6, operation: "src_is_valid_ratio \(configuration.sampleRateHz)/\(recording.sampleRateHz)"))
            }
            var error: Int32 = 0
            guard let state = samplerate.src_new(converter, 1, &error) else {
                throw .resamplerFailed(path: path, SampleRateError(code: error, operation: "src_new"))
            }
            resampler = state
        } else {
            samplerate = nil
            ratio = 1
            resampler = nil
        }
        // Enough input for one period per refill (plus slack), at least 1024 frames.
        chunkFrames = max(1024, Int((Double(configuration.periodFrames) / ratio).rounded(.up)) + 16)
        interleaved = .allocate(capacity: chunkFrames * recording.channelCount)
        interleaved.initialize(repeating: 0, count: chunkFrames * recording.channelCount)
        monoInput = .allocate(capacity: chunkFrames)
        monoInput.initialize(repeating: 0, count: chunkFrames)
        staged = .allocate(capacity: configuration.periodFrames)
        staged.initialize(repeating: 0, count: configuration.periodFrames)
        file = handle
        ok = true

        if truncated {
            log(.warning, "recording \(path): data chunk is shorter than its header declares; playing the \(info.frames) frames present")
        }
        if resampler != nil {
            log(.info, "recording \(path): resampling \(recording.sampleRateHz) Hz -> \(configuration.sampleRateHz) Hz with libsamplerate \(configuration.resampling.rawValue)")
        }
    }

    deinit {
        if let file { _ = sndfile.sf_close(file) }
        if let resampler { _ = samplerate?.src_delete(resampler) }
        interleaved.deallocate()
        monoInput.deallocate()
        staged.deallocate()
    }

    /// libsndfile logs "data : 20000 (should be 1000)" when a WAV/AIFF data chunk runs past the end.
    private static func parserLogReportsTruncation(_ handle: OpaquePointer, _ sndfile: hamlet_sndfile) -> Bool {
        var buffer = [CChar](repeating: 0, count: 8192)
        let length = buffer.withUnsafeMutableBufferPointer { hamlet_sf_log_info(sndfile, handle, $0.baseAddress, Int32($0.count)) }
        guard length > 0 else { return false }
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return text.split(separator: "\n").contains { line in
            let trimmed = line.drop { $0 == " " }
            return (trimmed.hasPrefix("data ") || trimmed.hasPrefix("SSND ")) && trimmed.contains("(should be")
        }
    }

    /// Counters so far; any thread.
    public var counters: RecordingReplayCounters {
        var c = RecordingReplayCounters()
        c.periodsDelivered = periodsDelivered.load(ordering: .relaxed)
        c.framesRead = framesRead.load(ordering: .relaxed)
        c.framesDelivered = framesDelivered.load(ordering: .relaxed)
        return c
    }

    /// The error that ended the stream early, if decoding or resampling failed part-way.
    public var failure: RecordingError? { failureBox.withLock { $0 } }

    /// Starts the real-time clock (otherwise the first `nextPeriod` does). Idempotent.
    public func start() {
        _ = startNanoseconds.compareExchange(expected: 0, desired: MonotonicClock.nowNanoseconds(), ordering: .relaxed)
    }

    /// Ends the stream: the next `nextPeriod` (or the current one, after its pacing sleep of at
    /// most one period) returns `.endOfStream`. Any thread.
    public func stop() {
        stopped.store(true, ordering: .releasing)
    }

    /// Decodes the next period on the calling thread. `timeout` matters only with `.realTime`
    /// pacing: when the period is not due within it, the call returns `.timedOut` after the
    /// timeout and the period stays queued. After the last period, or after `stop()`, returns
    /// `.endOfStream`; check `failure` to tell a decoding error from the end of the file.
    public func nextPeriod(into buffer: UnsafeMutableBufferPointer<Float>, timeout: Duration?) -> PeriodReadResult {
        let n = configuration.periodFrames
        precondition(buffer.count >= n, "buffer holds \(buffer.count) samples, a period is \(n)")
        if stopped.load(ordering: .acquiring) { return .endOfStream }
        start()
        if stagedFrames < 0 { stagedFrames = streamEnded ? 0 : decodePeriod(into: staged) }
        if stagedFrames == 0 {
            streamEnded = true
            return .endOfStream
        }
        if configuration.pacing == .realTime {
            let deadline = startNanoseconds.load(ordering: .relaxed) + Self.nanoseconds(frames: (periodIndex + 1) * UInt64(n), rateHz: configuration.sampleRateHz)
            if let timeout {
                let limit = MonotonicClock.nowNanoseconds() &+ timeout.nanoseconds
                if limit < deadline {
                    MonotonicClock.sleep(untilNanoseconds: limit)
                    return .timedOut
                }
            }
            MonotonicClock.sleep(untilNanoseconds: deadline)
            if stopped.load(ordering: .acquiring) { return .endOfStream }
        }
        buffer.baseAddress!.update(from: staged, count: n)
        let info = PeriodInfo(sequenceNumber: periodIndex, validFrames: stagedFrames, followsGap: false)
        periodsDelivered.add(1, ordering: .relaxed)
        framesDelivered.add(UInt64(stagedFrames), ordering: .relaxed)
        periodIndex += 1
        stagedFrames = -1
        return .period(info)
    }

    /// Nanoseconds of `frames` at `rateHz`, without overflow for any realistic run length.
    static func nanoseconds(frames: UInt64, rateHz: Int) -> Int64 {
        let rate = UInt64(rateHz)
        return Int64((frames / rate) * 1_000_000_000 + (frames % rate) * 1_000_000_000 / rate)
    }

    // MARK: decoding (consumer thread)

    /// Fills `output` with the next period; returns the valid frames (0 = end), zero-pads the rest.
    private func decodePeriod(into output: UnsafeMutablePointer<Float>) -> Int {
        let n = configuration.periodFrames
        let produced = resampler == nil ? readDirect(into: output, frames: n) : readResampled(into: output, frames: n)
        if produced < n { (output + produced).update(repeating: 0, count: n - produced) }
        return produced
    }

    /// Reads up to `frames` frames from the file into `interleaved`; 0 at the end or on error.
    private func readFile(frames: Int) -> Int {
        guard let file, !inputEnded else { return 0 }
        var got = 0
        while got < frames {
            let r = Int(sndfile.sf_readf_float(file, interleaved + got * recording.channelCount, sf_count_t(frames - got)))
            if r <= 0 { break }
            got += r
        }
        if got < frames {
            inputEnded = true
            if sndfile.sf_error(file) != 0 {
                let error = RecordingError.readFailed(SndFileError(operation: "sf_readf_float", path: path, handle: file, sndfile: sndfile))
                failureBox.withLock { $0 = error }
                log(.error, error.description)
            }
        }
        framesRead.add(UInt64(got), ordering: .relaxed)
        return got
    }

    private func readDirect(into output: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        let got = readFile(frames: frames)
        downMixFloat(interleaved, frames: got, channelCount: recording.channelCount, into: output)
        return got
    }

    private func readResampled(into output: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        guard let resampler, let samplerate else { return 0 }
        var produced = 0
        var stalled = false
        while produced < frames {
            if !inputEnded && (inputCount == 0 || stalled) {
                if inputStart > 0 && inputCount > 0 { monoInput.update(from: monoInput + inputStart, count: inputCount) }
                inputStart = 0
                let room = chunkFrames - inputCount
                if room == 0 { break }
                let got = readFile(frames: room)
                downMixFloat(interleaved, frames: got, channelCount: recording.channelCount, into: monoInput + inputCount)
                inputCount += got
            }
            var data = SRC_DATA(
                data_in: UnsafePointer(monoInput + inputStart), data_out: output + produced,
                input_frames: inputCount, output_frames: frames - produced,
                input_frames_used: 0, output_frames_gen: 0,
                end_of_input: inputEnded ? 1 : 0, src_ratio: ratio)
            let rc = samplerate.src_process(resampler, &data)
            if rc != 0 {
                let error = RecordingError.resamplerFailed(path: path, SampleRateError(code: rc, operation: "src_process"))
                failureBox.withLock { $0 = error }
                log(.error, error.description)
                inputEnded = true
                inputCount = 0
                break
            }
            inputStart += data.input_frames_used
            inputCount -= data.input_frames_used
            produced += data.output_frames_gen
            if data.output_frames_gen == 0 && data.input_frames_used == 0 {
                if inputEnded { break }      // flushed
                stalled = true
            } else {
                stalled = false
            }
        }
        return produced
    }
}

extension RecordingReplay {
    private func log(_ level: Logger.Level, _ text: String) { logger.log(level: level, "\(text)") }
}
