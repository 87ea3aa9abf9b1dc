import DurableFiles
import Foundation
import TestSupport
import Testing
@testable import ServiceSupport

/// Where this file's repository is: schemas/ and Scripts/ are read from the checkout under test.
func repositoryRoot(filePath: String = #filePath) -> String {
    // The dev package reaches the tests through a symlink; resolve it to the checkout.
    let resolved = realpath(filePath, nil).map { pointer in
        defer { free(pointer) }
        return String(cString: pointer)
    } ?? filePath
    return URL(fileURLWithPath: resolved).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// python3 from PATH; tests that need it fail with a message saying so.
func python3() throws -> String {
    try #require(findExecutable("python3"), "python3 is needed to check metrics output; install python3 and python3-jsonschema")
}

let sampleSnapshot = MetricsSnapshot(
    time: 1_764_400_000.5, uptimeSeconds: 12.25, samples: 48_000, steps: 3_000, stepsPerSecond: 250.5,
    lossAverage: 0.125, anomalyScore: .nan, driftAlerts: 2, overruns: 1, droppedMessages: 3, badMessages: 4,
    outboxDepth: 5, reconnects: 6, residentMemoryBytes: 1_048_576, paused: false, learnerFaults: 7, clippedValues: 8,
    alertsOnDisk: 9, alertsDropped: 10)

@Suite struct MetricsSnapshotTests {
    @Test func jsonTextIsOneObjectWithNullForNonFiniteNumbers() {
        #expect(sampleSnapshot.jsonText == """
            {"time":1764400000.5,"uptime_seconds":12.25,"samples":48000,"steps":3000,"steps_per_second":250.5,\
            "loss_average":0.125,"anomaly_score":null,"drift_alerts":2,"overruns":1,"dropped_messages":3,\
            "bad_messages":4,"outbox_depth":5,"reconnects":6,"resident_memory_bytes":1048576,"paused":false,\
            "learner_faults":7,"clipped_values":8,"alerts_on_disk":9,"alerts_dropped":10}
            """)
        var odd = sampleSnapshot
        odd.lossAverage = .infinity
        odd.stepsPerSecond = -.infinity
        odd.residentMemoryBytes = nil
        odd.paused = true
        odd.anomalyScore = 1e-5
        let text = odd.jsonText
        #expect(text.contains("\"steps_per_second\":null,\"loss_average\":null,\"anomaly_score\":1e-05,"))
        #expect(text.hasSuffix("\"resident_memory_bytes\":null,\"paused\":true,\"learner_faults\":7,\"clipped_values\":8,\"alerts_on_disk\":9,\"alerts_dropped\":10}"))
    }

    @Test func prometheusTextIsTheExpositionFormat() {
        #expect(sampleSnapshot.prometheusText(agentID: "edge-1") == """
            # HELP hamlet_snapshot_timestamp_seconds Unix time the agent took this snapshot; a stale value means the agent stopped reporting.
            # TYPE hamlet_snapshot_timestamp_seconds gauge
            hamlet_snapshot_timestamp_seconds{agent="edge-1"} 1764400000.5
            # HELP hamlet_uptime_seconds Seconds since the agent process started.
            # TYPE hamlet_uptime_seconds gauge
            hamlet_uptime_seconds{agent="edge-1"} 12.25
            # HELP hamlet_samples_total Input samples consumed.
            # TYPE hamlet_samples_total counter
            hamlet_samples_total{agent="edge-1"} 48000
            # HELP hamlet_steps_total Learner steps taken.
            # TYPE hamlet_steps_total counter
            hamlet_steps_total{agent="edge-1"} 3000
            # HELP hamlet_steps_per_second Learner steps per second over the last reporting interval.
            # TYPE hamlet_steps_per_second gauge
            hamlet_steps_per_second{agent="edge-1"} 250.5
            # HELP hamlet_loss_average Mean training loss over the last reporting interval.
            # TYPE hamlet_loss_average gauge
            hamlet_loss_average{agent="edge-1"} 0.125
            # HELP hamlet_anomaly_score Latest normalised anomaly score.
            # TYPE hamlet_anomaly_score gauge
            hamlet_anomaly_score{agent="edge-1"} NaN
            # HELP hamlet_drift_alerts_total Drift alerts raised.
            # TYPE hamlet_drift_alerts_total counter
            hamlet_drift_alerts_total{agent="edge-1"} 2
            # HELP hamlet_overruns_total Capture overruns and input blocks dropped because learning fell behind.
            # TYPE hamlet_overruns_total counter
            hamlet_overruns_total{agent="edge-1"} 1
            # HELP hamlet_dropped_messages_total Outgoing MQTT messages dropped because the outbox was full.
            # TYPE hamlet_dropped_messages_total counter
            hamlet_dropped_messages_total{agent="edge-1"} 3
            # HELP hamlet_bad_messages_total Incoming messages rejected as malformed.
            # TYPE hamlet_bad_messages_total counter
            hamlet_bad_messages_total{agent="edge-1"} 4
            # HELP hamlet_outbox_messages Outgoing MQTT messages waiting in the outbox.
            # TYPE hamlet_outbox_messages gauge
            hamlet_outbox_messages{agent="edge-1"} 5
            # HELP hamlet_reconnects_total MQTT reconnections after the first connection.
            # TYPE hamlet_reconnects_total counter
            hamlet_reconnects_total{agent="edge-1"} 6
            # HELP hamlet_resident_memory_bytes Resident set size of the agent process.
            # TYPE hamlet_resident_memory_bytes gauge
            hamlet_resident_memory_bytes{agent="edge-1"} 1048576
            # HELP hamlet_paused 1 while learning is paused by a control command, else 0.
            # TYPE hamlet_paused gauge
            hamlet_paused{agent="edge-1"} 0
            # HELP hamlet_learner_faults_total Learning steps with a non-finite number, undone by returning to the last good state.
            # TYPE hamlet_learner_faults_total counter
            hamlet_learner_faults_total{agent="edge-1"} 7
            # HELP hamlet_clipped_values_total Sensor values clipped into their channel's sane range before learning.
            # TYPE hamlet_clipped_values_total counter
            hamlet_clipped_values_total{agent="edge-1"} 8
            # HELP hamlet_alerts_on_disk Alerts in the durable outbox, not yet acknowledged by the broker.
            # TYPE hamlet_alerts_on_disk gauge
            hamlet_alerts_on_disk{agent="edge-1"} 9
            # HELP hamlet_alerts_dropped_total Alerts dropped, oldest first, because the durable outbox was full.
            # TYPE hamlet_alerts_dropped_total counter
            hamlet_alerts_dropped_total{agent="edge-1"} 10

            """)
    }

    @Test func prometheusTextEscapesLabelValuesAndSpellsNonFiniteValues() {
        var snapshot = sampleSnapshot
        snapshot.lossAverage = .infinity
        snapshot.stepsPerSecond = -.infinity
        snapshot.residentMemoryBytes = nil
        let text = snapshot.prometheusText(agentID: "a\"b\\c\nd")
        #expect(text.contains("hamlet_steps_total{agent=\"a\\\"b\\\\c\\nd\"} 3000\n"))
        #expect(text.contains("hamlet_loss_average{agent=\"a\\\"b\\\\c\\nd\"} +Inf\n"))
        #expect(text.contains("hamlet_steps_per_second{agent=\"a\\\"b\\\\c\\nd\"} -Inf\n"))
        #expect(text.contains("hamlet_resident_memory_bytes{agent=\"a\\\"b\\\\c\\nd\"} NaN\n"))
        #expect(MetricsSnapshot.escapeHelp("a\\b\nc\"d") == "a\\\\b\\nc\"d")
    }

    @Test func jsonTextMatchesTheSchema() throws {
        let python = try python3()
        let temporary = try TemporaryDirectory()
        var withNulls = sampleSnapshot
        withNulls.residentMemoryBytes = nil
        withNulls.lossAverage = .nan
        let good = try temporary.write("good.jsonl", sampleSnapshot.jsonText + "\n" + withNulls.jsonText + "\n")
        // Proves the check can fail: an extra key and a missing one.
        let bad = try temporary.write(
            "bad.jsonl", sampleSnapshot.jsonText.replacingOccurrences(of: "\"paused\":false", with: "\"extra\":1") + "\n")
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            failures = 0
            for line in open(sys.argv[2]):
                for error in validator.iter_errors(json.loads(line)):
                    print(error.message); failures += 1
            sys.exit(1 if failures else 0)
            """
        let schema = repositoryRoot() + "/schemas/metrics.schema.json"
        let accepted = try ChildProcess.run(python, ["-c", script, schema, good])
        #expect(accepted.status == 0, "\(accepted.standardOutput)\(accepted.standardError)")
        let rejected = try ChildProcess.run(python, ["-c", script, schema, bad])
        #expect(rejected.status == 1, "\(rejected.standardOutput)\(rejected.standardError)")
        #expect(rejected.standardOutput.contains("'paused' is a required property"))
        #expect(rejected.standardOutput.contains("'extra' was unexpected"))
    }

    @Test func prometheusTextParsesWithPrometheusClient() throws {
        let python = try python3()
        let probe = try ChildProcess.run(python, ["-c", "import prometheus_client"])
        try #require(probe.status == 0, "python3 prometheus_client is missing: python3 -m pip install prometheus_client")

        let temporary = try TemporaryDirectory()
        let file = try temporary.write("hamlet.prom", sampleSnapshot.prometheusText(agentID: "edge \"1\"\\n"))
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    print(family.type, sample.name, sample.labels["agent"], sample.value)
            """
        let parsed = try ChildProcess.run(python, ["-c", script, file])
        #expect(parsed.status == 0, "\(parsed.standardError)")
        let lines = parsed.standardOutput.split(separator: "\n")
        #expect(lines.count == 19)
        #expect(lines.contains("counter hamlet_samples_total edge \"1\"\\n 48000"))
        #expect(lines.contains("counter hamlet_alerts_dropped_total edge \"1\"\\n 10"))
        #expect(lines.contains("gauge hamlet_anomaly_score edge \"1\"\\n nan"))
        #expect(lines.contains("gauge hamlet_snapshot_timestamp_seconds edge \"1\"\\n 1764400000.5"))
    }

    @Test func textfileIsReplacedAtomicallyAndWorldReadable() throws {
        let temporary = try TemporaryDirectory()
        let path = temporary.path + "/hamlet.prom"
        try PrometheusTextfile.write("first\n", to: path)
        // The unit's UMask=0077 would make the file unreadable to node_exporter; write must override it.
        // (Process-wide, but harmless to other tests: they only create files they read themselves.)
        let previous = umask(0o077)
        defer { umask(previous) }
        try PrometheusTextfile.write(sampleSnapshot.prometheusText(agentID: "edge-1"), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == sampleSnapshot.prometheusText(agentID: "edge-1"))
        #expect(try names(in: temporary.path) == ["hamlet.prom"])
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o644)
    }

    @Test func textfileWriteSaysWhatFailed() {
        #expect {
            try PrometheusTextfile.write("x\n", to: "/nonexistent-dir/hamlet.prom")
        } throws: { error in
            (error as? FileOperationError)?.description.contains("/nonexistent-dir/.hamlet.prom.tmp-") == true
        }
    }
}
