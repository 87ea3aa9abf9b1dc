import CSndFile
import Synchronization

/// How `WAVWriter` stores samples.
public enum WAVSampleEncoding: String, Sendable, CaseIterable {
    /// Signed 16-bit PCM. A sample x is stored as the code clamp(round(x · 32768), −32768, 32767),
    /// so that libsndfile's (and `RecordingReplay`'s) reading, code / 32768, gives back every
    /// x that is a multiple of 1/32768 in [−1, 1 − 1/32768] exactly; others within 1/65536;
    /// values beyond full scale are clipped, never wrapped.
    case pcm16
    /// 32-bit IEEE float, stored bit for bit (no scaling, no clipping).
    case float32
}

/// Writes a WAV file (PCM 16-bit or 32-bit float, any channel count) through libsndfile, one
/// block of interleaved Float samples at a time, so a recording of any length streams to disk.
///
/// The header is finished by `close()` (or, as a fallback that cannot report errors, by
/// `deinit`). Conversion to 16-bit goes through a preallocated block buffer: `write` allocates
/// nothing after `init`. One thread at a time.
public final class WAVWriter {
    public let path: String
    public let sampleRateHz: Int
    public let channelCount: Int
    public let encoding: WAVSampleEncoding
    /// Frames (one sample per channel) written so far.
    public private(set) var framesWritten: Int64 = 0

    private let sndfile: hamlet_sndfile
    private var file: OpaquePointer?
    private let blockFrames = 4096
    private let codes: UnsafeMutablePointer<Int16>   // blockFrames × channelCount, pcm16 only

    /// libsndfile reports why `sf_open` failed only through process-global state, which another
    /// thread's `sf_open` resets; this writer's opens are serialised so the reason read is its own.
    private static let sndfileOpenLock = Mutex<Void>(())

    /// Creates (or truncates) `path` as a WAV file. Throws `WAVWriterError.invalidConfiguration`
    /// for an unusable rate or channel count and `.sndfile` when libsndfile cannot create the file
    /// (the error names the path and libsndfile's reason, e.g. "No such file or directory").
    public init(
        path: String, sampleRateHz: Int, channelCount: Int = 1, encoding: WAVSampleEncoding = .pcm16
    ) throws(WAVWriterError) {
        guard (1...768_000).contains(sampleRateHz) else {
            throw .invalidConfiguration(
                .invalid(setting: "sampleRateHz", value: "\(sampleRateHz)", requirement: "must be 1 ... 768000 Hz"))
        }
        guard (1...1024).contains(channelCount) else {
            throw .invalidConfiguration(
                .invalid(setting: "channelCount", value: "\(channelCount)", requirement: "must be 1 ... 1024"))
        }
        self.path = path
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.encoding = encoding

        let sndfile: hamlet_sndfile
        do { sndfile = try AudioLibraries.requireSndfile(path: path) } catch { throw .sndfile(error) }
        self.sndfile = sndfile
        var info = SF_INFO()
        info.samplerate = Int32(sampleRateHz)
        info.channels = Int32(channelCount)
        let subtype = encoding == .pcm16 ? SF_FORMAT_PCM_16 : SF_FORMAT_FLOAT
        info.format = Int32(SF_FORMAT_WAV) | Int32(subtype)
        let opened: Result<OpaquePointer, SndFileError> = Self.sndfileOpenLock.withLock { _ in
            if let handle = sndfile.sf_open(path, Int32(SFM_WRITE), &info) { return .success(handle) }
            return .failure(SndFileError(operation: "sf_open for writing", path: path, handle: nil, sndfile: sndfile))
        }
        switch opened {
        case .success(let handle): file = handle
        case .failure(let error): throw .sndfile(error)
        }
        codes = .allocate(capacity: encoding == .pcm16 ? blockFrames * channelCount : 1)
    }

    deinit {
        if let file { _ = sndfile.sf_close(file) }
        codes.deallocate()
    }

    /// Appends interleaved samples (frame-major: channel 0, 1, … of frame 0, then frame 1, …);
    /// `samples.count` must be a multiple of `channelCount`. Throws `.closed` after `close()` and
    /// `.sndfile` when libsndfile writes less than asked (a full disk, for instance).
    public func write(_ samples: UnsafeBufferPointer<Float>) throws(WAVWriterError) {
        guard let file else { throw .closed(path: path) }
        guard samples.count % channelCount == 0 else {
            throw .invalidConfiguration(
                .invalid(setting: "samples.count", value: "\(samples.count)",
                         requirement: "must be a multiple of the channel count \(channelCount)"))
        }
        guard let base = samples.baseAddress, !samples.isEmpty else { return }
        let frames = samples.count / channelCount
        var done = 0
        while done < frames {
            let n = min(blockFrames, frames - done)
            let source = base + done * channelCount
            let written: Int
            switch encoding {
            case .float32:
                written = Int(sndfile.sf_writef_float(file, source, sf_count_t(n)))
            case .pcm16:
                for i in 0..<(n * channelCount) { codes[i] = Self.code(source[i]) }
                written = Int(sndfile.sf_writef_short(file, codes, sf_count_t(n)))
            }
            framesWritten += Int64(max(written, 0))
            guard written == n else {
                throw .sndfile(SndFileError(operation: encoding == .pcm16 ? "sf_writef_short" : "sf_writef_float", path: path, handle: file, sndfile: sndfile))
            }
            done += n
        }
    }

    /// Appends interleaved samples from an array (see `write(_:)` for the buffer form).
    public func write(_ samples: [Float]) throws(WAVWriterError) {
        let result: Result<Void, WAVWriterError> = samples.withUnsafeBufferPointer { buffer in
            do throws(WAVWriterError) { try write(buffer); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Finishes the header and closes the file. Idempotent; throws `.sndfile` if libsndfile
    /// reports an error on closing.
    public func close() throws(WAVWriterError) {
        guard let handle = file else { return }
        file = nil
        let rc = sndfile.sf_close(handle)
        if rc != 0 {
            throw .sndfile(SndFileError(code: rc, operation: "sf_close", path: path, reason: sndfile.sf_error_number(rc).map { String(cString: $0) } ?? "no reason given"))
        }
    }

    /// The 16-bit code of a sample: clamp(round(x · 32768)); NaN becomes 0.
    @inlinable
    public static func code(_ x: Float) -> Int16 {
        let scaled = (x * 32768).rounded(.toNearestOrEven)
        if scaled >= 32767 { return .max }
        if scaled <= -32768 { return .min }
        if scaled.isNaN { return 0 }
        return Int16(scaled)
    }
}

/// Why a `WAVWriter` could not create or write its file; `description` says what to fix.
public enum WAVWriterError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidConfiguration(AudioConfigurationError)
    case sndfile(SndFileError)
    case closed(path: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let error): "cannot write a WAV file: \(error)"
        case .sndfile(let error): "cannot write a WAV file: \(error)"
        case .closed(let path): "\(path): the WAV writer is already closed"
        }
    }
}
