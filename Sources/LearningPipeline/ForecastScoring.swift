import DriftDetection
import StreamFeatures

/// What the forecast task does around the learner: sensor values in their own units become the
/// learner's normalised inputs (with the calendar's phases when records carry a time), and each
/// forecast's residual becomes the anomaly score.
///
/// The learner sees u_t = (x_t − m)/s per channel (`RobustScaler`, from records before t) and,
/// with timestamps, the time of day and week (`CalendarPhases`); it forecasts u_{t+1} only, not
/// the phases. Predictions are reported back in the sensor's units. With `score.horizonSamples`
/// h > 0, a `HorizonForecaster` forecasts each record from values h records back and more; its
/// residual is one more view of the score. Allocates only in `init`.
public struct ForecastScoring {
    public let channelCount: Int
    public let usesCalendar: Bool
    public private(set) var scaler: RobustScaler
    public private(set) var anomaly: ForecastAnomalyScore
    /// The latest record's normalised values: the learner's target for the forecast made before it.
    public private(set) var target: [Float]
    /// The latest record's values that were outside their channel's sane range, as clipped, and the
    /// first records' values the normalisation dropped when its warm-up ended (`nextInput`).
    public private(set) var clips: [InputClip]
    private var values: [Double]
    /// `values` as the normalisation and the profiles learn them: NaN (skipped) where a value was
    /// clipped, except that the normalisation takes the clipped value once it clips on its own.
    private var taught: [Double]
    private var residual: [Double]
    private var phases: [Double]
    /// The slow reference: what is usual at this time of day (`SeasonalProfile`), or the long-run
    /// level without timestamps.
    private var reference: SeasonalProfile
    /// The week's profile: what is usual at this hour of the week (a holiday on a weekday reads
    /// like a Sunday). Only with timestamps.
    private var weekly: SeasonalProfile
    private var weeklyResidual: [Double]
    private var referenceResidual: [Double]
    /// The forecaster that sees values up to h records back only (`score.horizonSamples` > 0).
    private var horizon: HorizonForecaster?
    /// The latest record's time (seconds; NaN without one).
    private var time = Double.nan

    /// Steps the horizon view's forecaster learns before its residuals go into the view's tails.
    static let horizonSettling = 100

    /// The learner's input width for `channelCount` sensor channels.
    public static func inputCount(channels: Int, calendar: Bool) -> Int { channels + (calendar ? CalendarPhases.count : 0) }

    public init(channelCount: Int, usesCalendar: Bool, score: ForecastScoreConfiguration) {
        self.channelCount = channelCount
        self.usesCalendar = usesCalendar
        scaler = RobustScaler(channelCount: channelCount)
        anomaly = ForecastAnomalyScore(channelCount: channelCount, configuration: score)
        target = [Float](repeating: 0, count: channelCount)
        clips = []
        clips.reserveCapacity(channelCount)
        values = [Double](repeating: 0, count: channelCount)
        taught = values
        residual = [Double](repeating: 0, count: channelCount)
        phases = [Double](repeating: 0, count: CalendarPhases.count)
        reference = SeasonalProfile(channelCount: channelCount)
        // Three-hour cells: a week holds few visits of each, so they must learn fast.
        weekly = SeasonalProfile(channelCount: channelCount, cellCount: 56, rate: 0.5, periodSeconds: 7 * 86_400)
        weeklyResidual = [Double](repeating: 0, count: channelCount)
        referenceResidual = [Double](repeating: 0, count: channelCount)
        if score.horizonSamples > 0 {
            horizon = HorizonForecaster(
                channelCount: channelCount, horizon: score.horizonSamples, lags: score.horizonLags,
                extraCount: usesCalendar ? CalendarPhases.count : 0)
        }
    }

    /// Takes one record's sensor values (`channel(c)` in the sensor's units), clips those outside
    /// their channel's sane range (`InputScreen`, listed in `clips`) and normalises them into
    /// `target`, judged against the records before this one.
    public mutating func read(timestamp: Double?, _ channel: (Int) -> Double) {
        clips.removeAll(keepingCapacity: true)
        for c in 0..<channelCount {
            values[c] = channel(c)
            taught[c] = values[c]
            if let clip = InputScreen.clip(values[c], by: scaler, channel: c) {
                clips.append(clip)
                values[c] = clip.clippedTo
                // A fault teaches no profile what is usual; the plain mean of the normalisation's
                // first records would carry it for thousands of records, its clipped mean later not.
                taught[c] = .nan
            }
            target[c] = Float(scaler.normalize(values[c], channel: c))
        }
        time = timestamp ?? .nan
        reference.setTime(usesCalendar ? timestamp : nil)
        weekly.setTime(usesCalendar ? timestamp : nil)
    }

    /// Scores the record just read against `prediction`, the forecast made for it (nil when there
    /// was none, e.g. for the first record); returns the score, or nil without a forecast.
    public mutating func score(prediction: UnsafePointer<Float>?) -> Double? {
        // The profile learns the sensor's own units: the normalisation's location moves, and a
        // profile of normalised values would move with it.
        defer {
            for c in 0..<channelCount {
                reference.learn(taught[c], channel: c)
                weekly.learn(taught[c], channel: c)
            }
        }
        if horizon != nil {
            // The phases of this record's time are known with it; `phases` still holds the last record's.
            if usesCalendar { phases.withUnsafeMutableBufferPointer { CalendarPhases.write(seconds: time, to: $0.baseAddress!) } }
            let scaler = scaler
            horizon!.step(values: values, learnable: taught, extras: usesCalendar ? phases : []) { scaler.normalize($0, channel: $1) }
        }
        guard let prediction else { return nil }
        for c in 0..<channelCount {
            residual[c] = Double(target[c]) - Double(prediction[c])
            referenceResidual[c] = (values[c] - reference.expected(c)) / scaler.scale(c)
            weeklyResidual[c] = (values[c] - weekly.expected(c)) / scaler.scale(c)
        }
        return anomaly.update(
            residual: residual, referenceResidual: referenceResidual, values: values, referenceSettled: reference.isSettled,
            weeklyResidual: usesCalendar ? weeklyResidual : nil, weeklySettled: weekly.isSettled, rangeValues: taught,
            horizonResidual: horizon?.residual, horizonSettled: (horizon?.learnedCount ?? 0) >= Self.horizonSettling)
    }

    /// Folds the record into the normalisation and writes the learner's next input: the record's
    /// normalised values, then the phases of `timestamp` (seconds) when the calendar is used.
    public mutating func nextInput(timestamp: Double?, into input: UnsafeMutablePointer<Float>) {
        if scaler.count >= scaler.exactSamples {
            for clip in clips { taught[clip.channel] = clip.clippedTo }
        }
        scaler.add(taught)
        // A fault among a channel's first values, found now, is in the profiles and the range too.
        for drop in scaler.warmUpDrops {
            reference.reseed(channel: drop.channel, at: scaler.location(drop.channel))
            weekly.reseed(channel: drop.channel, at: scaler.location(drop.channel))
            anomaly.forgetRange(channel: drop.channel)
        }
        clips += scaler.warmUpDrops
        for c in 0..<channelCount { input[c] = target[c] }
        guard usesCalendar else { return }
        phases.withUnsafeMutableBufferPointer { CalendarPhases.write(seconds: timestamp ?? .nan, to: $0.baseAddress!) }
        for k in 0..<CalendarPhases.count { input[channelCount + k] = Float(phases[k]) }
    }

    /// Everything the scoring has learned, for a checkpoint: the normalisation, then the two
    /// profiles and the score's history.
    public var savedState: SavedState {
        var state = SavedState(values: scaler.savedValues)
        reference.save(to: &state)
        weekly.save(to: &state)
        anomaly.save(to: &state)
        horizon?.save(to: &state)
        return state
    }

    /// Takes back `savedState` of the same configuration.
    public mutating func restore(_ state: SavedState) throws(SavedStateError) {
        let scalerCount = scaler.savedValues.count
        guard state.values.count >= scalerCount else { throw .truncated(needed: scalerCount, left: state.values.count) }
        var rest = SavedStateReader(SavedState(values: Array(state.values[scalerCount...])))
        var restoredScaler = scaler
        guard restoredScaler.restore(Array(state.values[..<scalerCount])) else { throw .badCount(state.values[0]) }
        var restoredReference = reference
        var restoredWeekly = weekly
        var restoredAnomaly = anomaly
        try restoredReference.load(from: &rest)
        try restoredWeekly.load(from: &rest)
        try restoredAnomaly.load(from: &rest)
        var restoredHorizon = horizon
        try restoredHorizon?.load(from: &rest)
        try rest.finish()
        scaler = restoredScaler
        reference = restoredReference
        weekly = restoredWeekly
        anomaly = restoredAnomaly
        horizon = restoredHorizon
    }

    /// A normalised forecast back in the sensor's units.
    public func denormalize(_ prediction: Float, channel c: Int) -> Float {
        Float(scaler.denormalize(Double(prediction), channel: c))
    }

    /// Changes the alert threshold only.
    public mutating func setThreshold(_ threshold: Double) { anomaly.setThreshold(threshold) }
}
