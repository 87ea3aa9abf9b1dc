import ArgumentParser
import AudioCapture
import HamletAgent
import StreamFeatures
import Logging
import LearningPipeline

/// `hamlet learn`'s audio inputs and the log-mel front end.
struct AudioOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Learn from this recording (WAV, FLAC, AIFF, … as libsndfile reads them).", valueName: "file"))
    var wav: String?

    @Option(help: ArgumentHelp("Learn from this ALSA capture device (e.g. default, plughw:1,0) until interrupted.", valueName: "device"))
    var alsa: String?

    @Option(help: "Audio sample rate in Hz; recordings at other rates are resampled.")
    var sampleRate: Int = 16_000

    @Option(help: "ALSA: channels to capture (averaged to mono).")
    var channels: Int = 1

    @Option(help: "ALSA: sample format: S16_LE, S32_LE or FLOAT_LE.")
    var sampleFormat: String = "S16_LE"

    @Option(help: "Audio frames per period.")
    var periodFrames: Int = 320

    @Flag(help: "Replay the recording in real time instead of as fast as possible.")
    var realtime = false

    @Option(help: "Mel bands of the log-mel features.")
    var melBands: Int = 40

    @Option(help: "Turn log-mel into this many MFCCs (default: log-mel).")
    var mfcc: Int?

    @Option(help: "Pre-emphasis coefficient, such as 0.97 (default: none).")
    var preEmphasis: Float?

    @Option(help: "Normalise each feature by a mean and variance forgetting over N frames (0: off).")
    var normalizeFrames: Int = 1000

    var isAudio: Bool { wav != nil || alsa != nil }

    func validate() throws {
        if wav != nil, alsa != nil { throw ValidationError("choose one of --wav and --alsa") }
        if normalizeFrames < 0 { throw ValidationError("--normalize-frames must be 0 (off) or positive") }
        if let problem = features.problems.first { throw ValidationError(problem) }
    }

    var features: FeatureConfiguration {
        FeatureConfiguration(
            sampleRateHz: Double(sampleRate), preEmphasis: preEmphasis, melBands: melBands, mfccCount: mfcc,
            normalizationFrames: normalizeFrames == 0 ? nil : normalizeFrames)
    }

    /// The feature reader over the chosen audio source.
    func reader(logger: Logger) throws -> AudioFeatureReader {
        let input: AudioInput
        if let wav {
            input = .recording(path: wav, realTime: realtime)
        } else {
            guard let format = ALSASampleFormat(rawValue: sampleFormat) else {
                throw LearnError.usage(
                    "--sample-format must be one of \(ALSASampleFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            input = .alsa(device: alsa ?? "default", channels: channels, format: format)
        }
        return try AudioFeatureReader.open(
            input, sampleRateHz: sampleRate, periodFrames: periodFrames, features: features,
            context: ProcessSignals.install(), logger: logger)
    }
}
