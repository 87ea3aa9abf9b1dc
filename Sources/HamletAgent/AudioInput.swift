import AudioCapture
import StreamFeatures
import Logging
import LearningPipeline

/// Where audio comes from, for `AudioFeatureReader.open`.
public enum AudioInput: Sendable, Equatable {
    /// A recording replayed through libsndfile (resampled when its rate differs).
    case recording(path: String, realTime: Bool)
    /// Live capture from an ALSA PCM, down-mixed to mono.
    /// `ringPeriods` periods wait between the capture thread and the pipeline.
    case alsa(device: String, channels: Int, format: ALSASampleFormat, ringPeriods: Int = 64)
}

extension AudioFeatureReader {
    /// Opens `input` at `sampleRateHz` in periods of `periodFrames` and puts the log-mel front end after it.
    /// A recording that cannot be read, or a bad device setting, is a usage error; a device that
    /// cannot be opened yet is retried in the background by `ALSACapture`.
    public static func open(
        _ input: AudioInput, sampleRateHz: Int, periodFrames: Int, features: FeatureConfiguration,
        context: RunContext, logger: Logger
    ) throws(LearnError) -> AudioFeatureReader {
        let source: any AudioPeriodSource
        switch input {
        case .recording(let path, let realTime):
            do {
                source = try RecordingReplay(
                    path: path,
                    configuration: RecordingReplayConfiguration(
                        sampleRateHz: sampleRateHz, periodFrames: periodFrames, pacing: realTime ? .realTime : .asFastAsPossible),
                    logger: logger)
            } catch {
                throw .usage("\(error)")
            }
        case .alsa(let device, let channels, let format, let ringPeriods):
            // alsa-lib would print its own lines on stderr too; our log says the same once, clearly.
            ALSACapture.silenceALSALibraryMessages()
            var configuration = ALSACaptureConfiguration()
            configuration.deviceName = device
            configuration.sampleRateHz = sampleRateHz
            configuration.channelCount = channels
            configuration.sampleFormat = format
            configuration.periodFrames = periodFrames
            configuration.bufferFrames = periodFrames * 4
            configuration.ringPeriods = ringPeriods
            do {
                source = try ALSACapture(configuration: configuration, logger: logger)
            } catch {
                throw .usage("\(error)")
            }
        }
        return AudioFeatureReader(source: source, features: features, context: context)
    }
}
