import ArgumentParser
import HamletAgent

/// Command-line settings of drift detection on the learner's loss.
struct DriftCommandOptions: ParsableArguments {
    @Flag(help: "No anomaly score and no drift alerts.")
    var noDrift = false

    @Option(help: "Comma-separated detectors: cusum, adwin, page-hinkley, anomaly-score.")
    var detectors: String = "cusum,adwin,anomaly-score"

    @Option(help: "Learning steps before the detectors start (they learn the error's normal level after it).")
    var driftWarmUp: Int = 5000

    @Option(help: "Steps after an alert during which the same detector stays quiet.")
    var driftCooldown: Int = 500

    @Option(help: "Anomaly score (0…1) above which the anomaly-score detector alerts.")
    var anomalyThreshold: Double = 0.9999

    @Option(help: "On drift: none, boost-plasticity (β × --boost-factor for --boost-steps) or reset-costates.")
    var onDrift: String = "none"

    @Option(help: "β multiplier while boosted.")
    var boostFactor: Double = 3

    @Option(help: "Steps a boost lasts.")
    var boostSteps: Int = 1000

    func options() throws -> DriftOptions? {
        if noDrift { return nil }
        var options = DriftOptions()
        options.detectors = try detectors.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let detector = DriftOptions.Detector(rawValue: trimmed) else {
                throw ValidationError(
                    "unknown detector \"\(trimmed)\"; choose from \(DriftOptions.Detector.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return detector
        }
        guard let reaction = DriftOptions.Reaction(rawValue: onDrift) else {
            throw ValidationError(
                "--on-drift must be one of \(DriftOptions.Reaction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        options.reaction = reaction
        options.monitor.warmUpSamples = driftWarmUp
        options.monitor.cooldownSamples = driftCooldown
        options.anomaly.threshold = anomalyThreshold
        options.boostFactor = boostFactor
        options.boostSteps = boostSteps
        if let problem = options.problems.first { throw ValidationError(problem) }
        return options
    }
}

import Foundation
