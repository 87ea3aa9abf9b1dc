/// How `hamlet learn` runs, apart from the model and the learning rule.
public struct LearnOptions: Sendable {
    public var task: LearnTask = .forecast
    public var outputEvery = 1
    public var checkpointPath: String?
    /// Also checkpoint every this many steps (0: only at the end).
    public var checkpointEvery = 0
    public var skipBad = false
    /// Seconds between progress lines on standard error (0: none).
    public var progressInterval: Double = 2
    public var classCount: Int?
    /// Regress/classify whose targets arrive later as `.joined` events (MQTT `--target`): records
    /// are only predicted, and each joined target is one learning step. Needs a stateless model.
    public var lateTargets = false
    /// Drift detection on the loss, with a score per step and alert lines (nil: off).
    public var drift: DriftOptions? = DriftOptions()
    /// A forecast of sensor values normalises them, adds the calendar when records carry a time, and
    /// scores each record with `ForecastAnomalyScore`. Audio features come normalised already and
    /// are scored by the loss-based detectors instead (off).
    public var scoresForecast = true

    public init() {}
}

/// What a finished `hamlet learn` run did.
public struct LearnSummary: Sendable, Equatable {
    public var records = 0
    /// Learning steps so far, counting those of the checkpoint the run started from.
    public var steps: Int64 = 0
    /// Learning steps the learner had taken before this run (from `--init`'s checkpoint); filled in by the caller.
    public var stepsAtStart: Int64 = 0
    public var skippedLines = 0
    public var nonFiniteLosses: Int64 = 0
    /// Steps whose loss, prediction, weights or state were not finite, each undone (`learner-fault` alerts).
    public var learnerFaults = 0
    /// Sensor values clipped into their channel's sane range before learning (see `InputScreen`).
    public var clippedValues = 0
    /// Mean loss over the last `LossWindow.size` scored steps.
    public var recentMeanLoss = Double.nan
    public var checkpointsWritten = 0
    public var driftAlerts = 0
    /// Late targets joined to their records and learned from.
    public var joinedTargets = 0
    /// Late targets that found no record (too old, not found, duplicate); filled in by the caller.
    public var missedTargets = 0

    public init() {}
}
