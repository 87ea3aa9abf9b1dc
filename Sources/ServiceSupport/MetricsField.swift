/// One metric of a MetricsSnapshot under both of its names: the single table `jsonText` and
/// `prometheusText` are generated from, so the two outputs cannot drift apart.
struct MetricsField {
    enum Kind: String {
        case counter, gauge
    }

    enum Value {
        case integer(Int)
        case optionalInteger(Int?)
        case real(Double)
        case flag(Bool)
    }

    /// snake_case key in the JSON object (schemas/metrics.schema.json).
    var jsonKey: String
    /// Full Prometheus name: `hamlet_` prefix, base unit suffix, `_total` for counters.
    var prometheusName: String
    var kind: Kind
    var help: String
    var value: Value
}

extension MetricsSnapshot {
    /// The fields in publication order.
    var fields: [MetricsField] {
        [
            MetricsField(jsonKey: "time", prometheusName: "hamlet_snapshot_timestamp_seconds", kind: .gauge,
                         help: "Unix time the agent took this snapshot; a stale value means the agent stopped reporting.",
                         value: .real(time)),
            MetricsField(jsonKey: "uptime_seconds", prometheusName: "hamlet_uptime_seconds", kind: .gauge,
                         help: "Seconds since the agent process started.", value: .real(uptimeSeconds)),
            MetricsField(jsonKey: "samples", prometheusName: "hamlet_samples_total", kind: .counter,
                         help: "Input samples consumed.", value: .integer(samples)),
            MetricsField(jsonKey: "steps", prometheusName: "hamlet_steps_total", kind: .counter,
                         help: "Learner steps taken.", value: .integer(steps)),
            MetricsField(jsonKey: "steps_per_second", prometheusName: "hamlet_steps_per_second", kind: .gauge,
                         help: "Learner steps per second over the last reporting interval.", value: .real(stepsPerSecond)),
            MetricsField(jsonKey: "loss_average", prometheusName: "hamlet_loss_average", kind: .gauge,
                         help: "Mean training loss over the last reporting interval.", value: .real(lossAverage)),
            MetricsField(jsonKey: "anomaly_score", prometheusName: "hamlet_anomaly_score", kind: .gauge,
                         help: "Latest normalised anomaly score.", value: .real(anomalyScore)),
            MetricsField(jsonKey: "drift_alerts", prometheusName: "hamlet_drift_alerts_total", kind: .counter,
                         help: "Drift alerts raised.", value: .integer(driftAlerts)),
            MetricsField(jsonKey: "overruns", prometheusName: "hamlet_overruns_total", kind: .counter,
                         help: "Capture overruns and input blocks dropped because learning fell behind.",
                         value: .integer(overruns)),
            MetricsField(jsonKey: "dropped_messages", prometheusName: "hamlet_dropped_messages_total", kind: .counter,
                         help: "Outgoing MQTT messages dropped because the outbox was full.", value: .integer(droppedMessages)),
            MetricsField(jsonKey: "bad_messages", prometheusName: "hamlet_bad_messages_total", kind: .counter,
                         help: "Incoming messages rejected as malformed.", value: .integer(badMessages)),
            MetricsField(jsonKey: "outbox_depth", prometheusName: "hamlet_outbox_messages", kind: .gauge,
                         help: "Outgoing MQTT messages waiting in the outbox.", value: .integer(outboxDepth)),
            MetricsField(jsonKey: "reconnects", prometheusName: "hamlet_reconnects_total", kind: .counter,
                         help: "MQTT reconnections after the first connection.", value: .integer(reconnects)),
            MetricsField(jsonKey: "resident_memory_bytes", prometheusName: "hamlet_resident_memory_bytes", kind: .gauge,
                         help: "Resident set size of the agent process.", value: .optionalInteger(residentMemoryBytes)),
            MetricsField(jsonKey: "paused", prometheusName: "hamlet_paused", kind: .gauge,
                         help: "1 while learning is paused by a control command, else 0.", value: .flag(paused)),
            MetricsField(jsonKey: "learner_faults", prometheusName: "hamlet_learner_faults_total", kind: .counter,
                         help: "Learning steps with a non-finite number, undone by returning to the last good state.",
                         value: .integer(learnerFaults)),
            MetricsField(jsonKey: "clipped_values", prometheusName: "hamlet_clipped_values_total", kind: .counter,
                         help: "Sensor values clipped into their channel's sane range before learning.",
                         value: .integer(clippedValues)),
            MetricsField(jsonKey: "alerts_on_disk", prometheusName: "hamlet_alerts_on_disk", kind: .gauge,
                         help: "Alerts in the durable outbox, not yet acknowledged by the broker.", value: .integer(alertsOnDisk)),
            MetricsField(jsonKey: "alerts_dropped", prometheusName: "hamlet_alerts_dropped_total", kind: .counter,
                         help: "Alerts dropped, oldest first, because the durable outbox was full.", value: .integer(alertsDropped)),
        ]
    }
}
