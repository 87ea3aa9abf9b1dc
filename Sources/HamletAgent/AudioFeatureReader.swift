import AudioCapture
import StreamFeatures
import VectorStream
import LearningPipeline

/// Turns an audio source (ALSA capture or a recording) into one feature record per hop.
///
/// Records are numbered by frame from 0; a frame that follows lost audio (an overrun, a
/// reopened device) is counted in `framesAfterGaps`.
public final class AudioFeatureReader: RecordSource {
    public let columns: [String]
    public var positionName: String { "frame" }
    public private(set) var framesAfterGaps = 0
    private let source: any AudioPeriodSource
    private let extractor: FeatureExtractor
    private let context: RunContext
    private var period: [Float]
    /// The features of the last period not yet returned, one after another.
    private var pending: [Float] = []
    private var pendingIndex = 0
    private let featureCount: Int
    private var frame = 0
    private var started = false

    /// A stop request is seen between periods (at least every 200 ms), so a signal ends capture
    /// cleanly; a period late by 200 ms (no device, a stalled recording) runs the context's idle
    /// work, so the service's housekeeping goes on while there is no audio.
    public init(source: any AudioPeriodSource, features: FeatureConfiguration, context: RunContext) {
        precondition(Int(features.sampleRateHz) == source.sampleRateHz, "feature and source rates differ")
        self.source = source
        self.context = context
        extractor = FeatureExtractor(features)
        let prefix = features.mfccCount == nil ? "mel" : "mfcc"
        featureCount = features.featureCount
        columns = (0..<featureCount).map { "\(prefix)\($0)" }
        period = [Float](repeating: 0, count: source.periodFrames)
    }

    public func next(into sample: inout Sample) throws(SourceError) -> Bool {
        if !started {
            source.start()
            started = true
        }
        while pendingIndex * featureCount == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if context.isStopRequested {
                source.stop()
                return false
            }
            switch source.nextPeriod(into: &period, timeout: .milliseconds(200)) {
            case .timedOut: context.idle()
            case .endOfStream: return false
            case .period(let info):
                period.withUnsafeBufferPointer { samples in
                    extractor.push(UnsafeBufferPointer(rebasing: samples[0..<info.validFrames])) { feature in
                        // Index loops: the generic sequence paths allocate per element in debug builds.
                        for k in 0..<feature.count { pending.append(feature[k]) }
                    }
                }
                if info.followsGap { framesAfterGaps += pending.count / featureCount }
            }
        }
        sample.values.removeAll(keepingCapacity: true)
        let start = pendingIndex * featureCount
        for k in start..<start + featureCount { sample.values.append(Double(pending[k])) }
        sample.position = frame
        sample.time = nil
        pendingIndex += 1
        frame += 1
        return true
    }
}
