/// The agent's health at one instant, published as JSON on `<prefix>/metrics` and as a Prometheus textfile.
///
/// Counters (`samples`, `steps`, `driftAlerts`, …) count since the process started; gauges describe now.
/// Building one is cheap but allocates; it is meant for a periodic reporter, not the hot loop.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Wall-clock time of the snapshot, seconds since the Unix epoch.
    public var time: Double
    public var uptimeSeconds: Double
    /// Input samples (frames or sensor vectors) consumed.
    public var samples: Int
    /// Learner steps taken.
    public var steps: Int
    /// Learner steps per second over the last reporting interval.
    public var stepsPerSecond: Double
    /// Mean training loss over the last reporting interval; NaN before the first step.
    public var lossAverage: Double
    /// The latest normalised anomaly score; NaN before the detectors warm up.
    public var anomalyScore: Double
    public var driftAlerts: Int
    /// Capture overruns (ALSA xruns) or input blocks dropped because the learner fell behind.
    public var overruns: Int
    /// Outgoing MQTT messages dropped because the outbox was full.
    public var droppedMessages: Int
    /// Incoming messages rejected as malformed.
    public var badMessages: Int
    /// Outgoing messages waiting in the outbox.
    public var outboxDepth: Int
    /// MQTT reconnections after the first connection.
    public var reconnects: Int
    /// Resident set size (`ResidentMemory.currentBytes()`); nil when /proc could not be read.
    public var residentMemoryBytes: Int?
    /// Whether learning is paused by a control command.
    public var paused: Bool
    /// Learning steps with a non-finite number, each undone by going back to the last good state.
    public var learnerFaults: Int
    /// Sensor values clipped into their channel's sane range before learning.
    public var clippedValues: Int
    /// Alerts in the durable outbox now (on disk, not yet acknowledged by the broker).
    public var alertsOnDisk: Int
    /// Alerts dropped, oldest first, because the durable outbox was full (since start, and at start
    /// for a log over its limits).
    public var alertsDropped: Int

    public init(
        time: Double, uptimeSeconds: Double, samples: Int, steps: Int, stepsPerSecond: Double, lossAverage: Double,
        anomalyScore: Double, driftAlerts: Int, overruns: Int, droppedMessages: Int, badMessages: Int, outboxDepth: Int,
        reconnects: Int, residentMemoryBytes: Int?, paused: Bool, learnerFaults: Int, clippedValues: Int, alertsOnDisk: Int = 0,
        alertsDropped: Int = 0
    ) {
        (self.time, self.uptimeSeconds, self.samples, self.steps) = (time, uptimeSeconds, samples, steps)
        (self.stepsPerSecond, self.lossAverage, self.anomalyScore) = (stepsPerSecond, lossAverage, anomalyScore)
        (self.driftAlerts, self.overruns, self.droppedMessages) = (driftAlerts, overruns, droppedMessages)
        (self.badMessages, self.outboxDepth, self.reconnects) = (badMessages, outboxDepth, reconnects)
        (self.residentMemoryBytes, self.paused, self.learnerFaults) = (residentMemoryBytes, paused, learnerFaults)
        (self.clippedValues, self.alertsOnDisk, self.alertsDropped) = (clippedValues, alertsOnDisk, alertsDropped)
    }
}
