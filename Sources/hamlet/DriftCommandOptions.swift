import VectorStream
import ArgumentParser

import HamletAgent

/// Command-line settings of drift detection on the learner's loss.
struct DriftCommandOptions: ParsableArguments {
    @Flag(help: "No anomaly score and no drift alerts.")
    var noDrift = false

    @Option(help: "Comma-separated detectors: cusum, adwin, page-hinkley, anomaly-score.")
    var detectors: String = "cusum,adwin,anomaly-score"

    @Option(help: "Learning steps before any alert. The loss detectors and the loss-based score (audio, regress, classify) start learning the error's normal level after it, so that score stays at its start value until then; a forecast's score starts after --score-warm-up instead, and only its alerts wait.")
    var driftWarmUp: Int = 5000

    @Option(help: "Samples after the warm-up from which CUSUM learns the error's reference mean and spread.")
    var cusumReferenceSamples: Int = DriftOptions().cusum.referenceSamples

    @Option(help: "Samples after the warm-up during which the loss-based score (audio, regress, classify) stays at its start value.")
    var lossScoreWarmUp: Int = DriftOptions().anomaly.warmUpSamples

    @Option(help: "Steps after an alert during which the same detector stays quiet.")
    var driftCooldown: Int = 500

    @Option(help: "Anomaly score (0…1) at or above which the anomaly-score detector alerts (default 0.25 for a forecast, whose score is −log₁₀(p)/10, so about one record in 10^3.5 of an ordinary stream; 0.9999 for the loss-based score of regress, classify and audio).")
    var anomalyThreshold: Double?

    @Option(help: "Forecast score: steps before the first score (the score is 0 until then).")
    var scoreWarmUp: Int = DriftOptions().forecast.warmUpSamples

    @Option(help: "Forecast score: steps after an alert during which the score is held below the threshold (0: none).")
    var scoreRefractory: Int = DriftOptions().forecast.refractorySamples

    @Option(help: "Forecast score: span of the short average that catches a sustained rise.")
    var scoreShortRun: Int = DriftOptions().forecast.shortRunSamples

    @Option(help: "Forecast score: span of the long average that catches a moderate rise that lasts.")
    var scoreLongRun: Int = DriftOptions().forecast.longRunSamples

    @Option(help: "Forecast score: memory in steps of the surprise's tail estimates.")
    var scoreTailMemory: Int = DriftOptions().forecast.tailMemorySamples

    @Option(help: "Forecast score: where the surprise's tail starts, as a quantile of its own past.")
    var scoreTailQuantile: Double = DriftOptions().forecast.tailQuantile

    @Option(help: "Forecast score: samples a view's tails must hold before the view is judged.")
    var scoreTailSamples: Int = DriftOptions().forecast.minimumTailSamples

    @Option(help: "Forecast score: a value beyond the range seen so far by this fraction of it scores 1 (0: off).")
    var scoreRangeTolerance: Double = DriftOptions().forecast.rangeTolerance

    @Option(help: "Forecast score: memory in steps of the seen range (it shrinks back slowly so an old extreme fades).")
    var scoreRangeMemory: Int = DriftOptions().forecast.rangeMemorySamples

    @Option(help: "Forecast score: memory in steps of the residual scale.")
    var scoreResidualMemory: Int = DriftOptions().forecast.residualMemorySamples

    @Option(help: "Forecast score: one more view, a forecaster that sees the values up to this many steps back only, so a level change or a broken pattern stays in its residual for about as long (0: off).")
    var scoreHorizon: Int = DriftOptions().forecast.horizonSamples

    @Option(help: "Forecast score: how many values, ending --score-horizon steps back, the horizon view's forecaster sees.")
    var scoreHorizonLags: Int = DriftOptions().forecast.horizonLags

    @Option(help: "Forecast score: a value beyond the range of about this many recent values, by --score-recent-range-tolerance of it, scores 1 however wide the range seen long ago (0: off).")
    var scoreRecentRange: Int = DriftOptions().forecast.recentRangeSamples

    @Option(help: "Forecast score: the margin of --score-recent-range, as a fraction of that range.")
    var scoreRecentRangeTolerance: Double = DriftOptions().forecast.recentRangeTolerance

    @Option(help: "Forecast score: one more view, how new the recent pattern is: the fraction of the contexts of the last --score-context-order values, quantised into --score-context-bins cells of the range, not seen within this many steps (0: off).")
    var scoreContext: Int = DriftOptions().forecast.contextSamples

    @Option(help: "Forecast score: the longest context of --score-context, in values.")
    var scoreContextOrder: Int = DriftOptions().forecast.contextOrder

    @Option(help: "Forecast score: cells of the range into which --score-context quantises each value.")
    var scoreContextBins: Int = DriftOptions().forecast.contextBins

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
            let trimmed = name.trimmingBlanks
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
        options.cusum.referenceSamples = cusumReferenceSamples
        options.anomaly.warmUpSamples = lossScoreWarmUp
        options.monitor.cooldownSamples = driftCooldown
        if let anomalyThreshold {
            options.anomaly.threshold = anomalyThreshold
            options.forecast.threshold = anomalyThreshold
        }
        options.forecast.warmUpSamples = scoreWarmUp
        options.forecast.refractorySamples = scoreRefractory
        options.forecast.shortRunSamples = scoreShortRun
        options.forecast.longRunSamples = scoreLongRun
        options.forecast.tailMemorySamples = scoreTailMemory
        options.forecast.rangeMemorySamples = scoreRangeMemory
        options.forecast.tailQuantile = scoreTailQuantile
        options.forecast.minimumTailSamples = scoreTailSamples
        options.forecast.rangeTolerance = scoreRangeTolerance
        options.forecast.residualMemorySamples = scoreResidualMemory
        options.forecast.horizonSamples = scoreHorizon
        options.forecast.horizonLags = scoreHorizonLags
        options.forecast.recentRangeSamples = scoreRecentRange
        options.forecast.recentRangeTolerance = scoreRecentRangeTolerance
        options.forecast.contextSamples = scoreContext
        options.forecast.contextOrder = scoreContextOrder
        options.forecast.contextBins = scoreContextBins
        options.boostFactor = boostFactor
        options.boostSteps = boostSteps
        if let problem = options.problems.first { throw ValidationError(problem) }
        return options
    }
}

import FoundationEssentials
import LearningPipeline
