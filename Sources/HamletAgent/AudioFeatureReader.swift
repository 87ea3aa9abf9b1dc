import AudioCapture
import StreamFeatures
import VectorStream

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
    private var pending: [[Double]] = []
    private var pendingIndex = 0
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
        columns = (0..<features.featureCount).map { "\(prefix)\($0)" }
        period = [Float](repeating: 0, count: source.periodFrames)
    }

    public func next() throws(SourceError) -> Sample? {
        if !started {
            source.start()
            started = true
        }
        while pendingIndex == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if context.isStopRequested {
                source.stop()
                return nil
            }
            switch source.nextPeriod(into: &period, timeout: .milliseconds(200)) {
            case .timedOut: context.idle()
            case .endOfStream: return nil
            case .period(let info):
                period.withUnsafeBufferPointer { samples in
                    extractor.push(UnsafeBufferPointer(rebasing: samples[0..<info.validFrames])) { feature in
                        pending.append(feature.map { Double($0) })
                    }
                }
                if info.followsGap { framesAfterGaps += pending.count }
            }
        }
        defer {
            pendingIndex += 1
            frame += 1
        }
        return Sample(position: frame, values: pending[pendingIndex])
    }
}
