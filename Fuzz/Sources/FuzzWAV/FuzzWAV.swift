import AudioCapture
import FuzzSupport

/// A recording as `hamlet run` replays it: libsndfile opens the bytes by path, RecordingReplay
/// down-mixes and resamples them to 16 kHz periods. Properties: a refusal names the file, every
/// period is full size with 0…periodFrames valid frames, and the replay ends within the frames
/// the header declares (resampled, plus the resampler's tail).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWAV(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let path = MemoryFile.path(holding: fuzzBytes(data, count))
    let configuration = RecordingReplayConfiguration(sampleRateHz: 16_000, periodFrames: 320)
    let replay: RecordingReplay
    do {
        replay = try RecordingReplay(path: path, configuration: configuration)
    } catch {
        fuzzCheck(error.description.contains(path), "the error does not name the file: \(error)")
        return 0
    }
    let recording = replay.recording
    fuzzCheck(recording.frames > 0 && recording.channelCount >= 1 && recording.sampleRateHz >= 1, "accepted \(recording)")
    let ratio = Double(configuration.sampleRateHz) / Double(recording.sampleRateHz)
    let expectedFrames = Double(recording.frames) * ratio
    // A hostile header can declare billions of frames that are not there; only decode a bounded amount.
    let maximumPeriods = Int(min(expectedFrames / Double(configuration.periodFrames) + 4, 2_000))
    var buffer = [Float](repeating: .nan, count: configuration.periodFrames)
    var delivered = 0
    for _ in 0..<maximumPeriods {
        switch replay.nextPeriod(into: &buffer) {
        case .period(let info):
            fuzzCheck((1...configuration.periodFrames).contains(info.validFrames), "a period with \(info.validFrames) valid frames")
            fuzzCheck(buffer[info.validFrames...].allSatisfy { $0 == 0 }, "the padding after \(info.validFrames) frames is not zero")
            delivered += info.validFrames
        case .timedOut:
            fuzzCheck(false, "an as-fast-as-possible replay timed out")
        case .endOfStream:
            fuzzCheck(Double(delivered) <= expectedFrames + 64, "\(delivered) frames from a recording of \(recording.frames) at ratio \(ratio)")
            return 0
        }
    }
    fuzzCheck(expectedFrames >= 2_000 * Double(configuration.periodFrames) - 1_000, "the replay did not end after \(maximumPeriods) periods")
    return 0
}
