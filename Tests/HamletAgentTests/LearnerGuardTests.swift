import Foundation
import HamiltonianLearning
import HamletAgent
import SafeTensors
import SeededRandom
import TestSupport
import Testing
import LearningPipeline

/// The learner's fault guard: a non-finite number in a step is caught at that step, the learner
/// goes back to its last good state with one `learner-fault` alert, and no checkpoint holds it.
@Suite struct LearnerGuardTests {
    /// Makes the readout's bias NaN, which every prediction reads.
    static func poison(_ learner: AgentLearner) throws {
        let parameters: ScalarBuffer<Float>
        let layout: ParameterLayout
        switch learner {
        case .forecaster(let l): (parameters, layout) = (l.parameters, l.model.layout)
        case .deep(let l): (parameters, layout) = (l.parameters, l.model.layout)
        case .mlp(let l): (parameters, layout) = (l.parameters, l.model.layout)
        }
        let bias = try #require(layout.tensors.first { $0.name == "readout.bias" } ?? layout.tensors.last)
        parameters[bias.offset] = .nan
    }

    /// The forecasting models the guard must bring back, each with its own state buffers.
    static let models: [ModelConfiguration] = [
        .forecaster(.init(inputCount: 2, stateCount: 8)),
        .deep(.init(inputCount: 2, width: 8, blockCount: 2, stateCount: 8, scheme: .instant)),
        .deep(.init(inputCount: 2, width: 8, blockCount: 2, stateCount: 8, scheme: .reversible, coupling: .additive)),
        .deep(.init(inputCount: 2, width: 8, blockCount: 2, stateCount: 8, scheme: .pipelined)),
    ]

    static func allFinite(_ prediction: [Double?]) -> Bool { !prediction.isEmpty && prediction.allSatisfy { $0?.isFinite == true } }

    @Test("a NaN weight is caught at the next step: one alert, back to the last snapshot, finite predictions, no checkpoint",
        arguments: models)
    func nonFiniteWeight(model: ModelConfiguration) throws {
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-guard")
        let path = directory.file("model.safetensors")
        let guarded = try GuardedSession(task: .forecast, checkpointPath: path, model: model)
        for t in 0..<250 { try guarded.step(t) }
        try Self.poison(guarded.session.learner)
        #expect(throws: CheckpointError.self) { _ = try guarded.session.finiteCheckpointFile() }
        do {
            _ = try guarded.session.finiteCheckpointFile()
        } catch {
            #expect("\(error)".contains("weights/"), "\(error)")
        }

        try guarded.step(250)
        let alerts = guarded.sink.faultAlerts
        #expect(alerts.count == 1)
        #expect(alerts.first?["restored_step"] as? Int == 200, "the last snapshot is taken every 100 steps: \(alerts)")
        #expect((alerts.first?["cause"] as? String)?.contains("nan") == true, "\(alerts)")
        #expect(Self.allFinite(guarded.sink.lastPrediction), "\(guarded.sink.lastPrediction)")
        for t in 251..<400 { try guarded.step(t) }
        #expect(guarded.sink.faultAlerts.count == 1)
        #expect(Self.allFinite(guarded.sink.lastPrediction))
        let summary = try guarded.session.finish()
        #expect(summary.learnerFaults == 1)
        #expect(summary.checkpointsWritten == 1)
        let file = try SafeTensorsFile.read(path: path)
        for (name, tensor) in file.tensors where tensor.dtype == .f32 {
            #expect(try tensor.floats().allSatisfy(\.isFinite), "\(name)")
        }
    }

    @Test("a learner that starts non-finite (a broken checkpoint) and has no good state starts afresh, once")
    func noGoodStateYet() throws {
        let guarded = try GuardedSession(task: .forecast, poisoned: { try Self.poison($0) })
        for t in 0..<50 { try guarded.step(t) }
        let alerts = guarded.sink.faultAlerts
        #expect(alerts.count == 1)
        #expect(alerts.first?["restored_step"] is NSNull, "\(alerts)")
        #expect(Self.allFinite(guarded.sink.lastPrediction))
        #expect(try guarded.session.finiteCheckpointFile().tensors.isEmpty == false)
    }

    /// At record 0 the channel has no range yet: the value is dropped when the normalisation's warm-up
    /// (20 records) ends, and its forecasts are sane from then on; later it is clipped at once.
    @Test("3.4e38 is clipped into its channel's sane range with a reason; the forecast stays finite and sane", arguments: [0, 3, 150])
    func hugeSensorValue(at position: Int) throws {
        let guarded = try GuardedSession(task: .forecast)
        var reasons: [String] = []
        guarded.session.onInputClipped = { channel, reason in reasons.append("\(channel): \(reason)") }
        for t in 0..<position { try guarded.step(t) }
        try guarded.step(position, values: [3.4e38, GuardedSession.row(position, channels: 2)[1]])
        try guarded.step(position + 1)
        if position > 0 {
            #expect(reasons.count == 1)
            #expect(reasons.first?.hasPrefix("0: 3.4e+38 is outside the sane range of \"c0\"") == true, "\(reasons)")
            #expect(Self.allFinite(guarded.sink.lastPrediction))
        }
        for t in (position + 2)..<(position + 300) { try guarded.step(t) }
        #expect(guarded.sink.faultAlerts.isEmpty)
        #expect(reasons.count == 1, "\(reasons)")
        if position == 0 {
            #expect(reasons.first?.hasPrefix("0: 3.4e+38 among the first values of \"c0\" is outside the sane range of the others") == true)
        }
        // Back within the stream's ±1 (the denormalised forecast), not carried off by the value.
        let last = guarded.sink.lastPrediction.compactMap { $0 }
        #expect(last.count == 2 && last.allSatisfy { abs($0) < 3 }, "\(last)")
        #expect(guarded.session.summary.clippedValues == 1)
        _ = try guarded.session.finiteCheckpointFile()
    }

    /// Every extreme finite value (and the edges of Float) in every input column, for a forecast
    /// (normalised inputs) and a regression (raw inputs and target) at a random step.
    @Test("a generated sweep of extreme values over every input leaves the next predictions finite", arguments: [LearnTask.forecast, .regress])
    func extremeValueSweep(task: LearnTask) throws {
        let extremes: [Double] = [
            3.4e38, -3.4e38, Double(Float.greatestFiniteMagnitude), -Double(Float.greatestFiniteMagnitude), 1e38, 1e30, -1e30,
            1e20, -1e20, 1e10, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, Double(Float.leastNonzeroMagnitude), 0,
        ]
        var generator = SplitMix64(seed: 16)
        let channels = 3
        for value in extremes {
            for channel in 0..<channels {
                let guarded = try GuardedSession(task: task, channels: channels)
                let position = 30 + Int(generator.next() % 200)
                for t in 0..<position { try guarded.step(t) }
                var row = GuardedSession.row(position, channels: channels)
                row[channel] = value
                try guarded.step(position, values: row)
                try guarded.step(position + 1)
                let label = "\(task) \(value) in column \(channel) at \(position)"
                #expect(Self.allFinite(guarded.sink.lastPrediction), "\(label): \(guarded.sink.lastPrediction)")
                try guarded.step(position + 2)
                #expect(Self.allFinite(guarded.sink.lastPrediction), "\(label)")
                let faults = guarded.session.summary.learnerFaults
                #expect(faults <= 1, "\(label): \(guarded.sink.faultAlerts)")
                #expect(guarded.sink.faultAlerts.count == faults, "\(label)")
                #expect(throws: Never.self, "\(label)") { _ = try guarded.session.finiteCheckpointFile() }
            }
        }
    }

    @Test("a source that keeps sending poison makes one alert per episode; every fault is counted")
    func faultEpisodes() throws {
        let guarded = try GuardedSession(task: .regress, channels: 3)
        // A target of 3.4e38: its squared error is infinite in Float, a fault at every such step.
        func poisoned(_ t: Int) -> [Double] { GuardedSession.row(t, channels: 3).dropLast() + [3.4e38] }
        for t in 0..<150 { try guarded.step(t) }
        for t in 150..<200 { try guarded.step(t, values: poisoned(t)) }
        for t in 200..<400 { try guarded.step(t) }
        let firstEpisode = guarded.session.summary.learnerFaults
        #expect(firstEpisode == 50, "\(firstEpisode) faults")
        #expect(guarded.sink.faultAlerts.count == 1)
        try guarded.step(400, values: poisoned(400))
        try guarded.step(401)
        #expect(guarded.sink.faultAlerts.count == 2, "a new episode alerts again")
        #expect(Self.allFinite(guarded.sink.lastPrediction))
    }

    @Test("hamlet learn refuses a value outside the Float range, as the MQTT path does, in CSV and JSON lines")
    func beyondFloatRange() throws {
        let directory = try TestSupport.TemporaryDirectory(prefix: "hamlet-float-range")
        var csv = "a,b\n"
        var json = ""
        for t in 0..<30 {
            let a = t == 20 ? "1e39" : "\(sin(0.1 * Double(t)))"
            csv += "\(a),\(cos(0.1 * Double(t)))\n"
            json += "{\"a\":\(a),\"b\":\(cos(0.1 * Double(t)))}\n"
        }
        for (name, text, line) in [("big.csv", csv, 22), ("big.jsonl", json, 21)] {
            let input = try directory.write(name, text)
            let result = try HamletProcess.run(["learn", input, "--quiet"])
            #expect(result.status == 65, "\(name): \(result.standardError)")
            #expect(result.standardError.contains("line \(line): "), "\(name): \(result.standardError)")
            #expect(result.standardError.contains("outside the Float range; expected a magnitude at most 3.4028235e38"), "\(result.standardError)")
            let skipping = try HamletProcess.run(["learn", input, "--quiet", "--skip-bad"])
            #expect(skipping.status == 0, "\(name): \(skipping.standardError)")
            #expect(skipping.lines.count == 29)
        }
    }
}
