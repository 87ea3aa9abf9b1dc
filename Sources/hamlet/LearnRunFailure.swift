import HamletAgent
import LearningPipeline

/// Why a `hamlet learn` run that read its input to the end still failed, so scripts see a non-zero
/// exit instead of a summary nobody reads: nothing was learned although there were input lines, or
/// learning diverged.
struct LearnRunFailure: CustomStringConvertible {
    let description: String

    init?(_ summary: LearnSummary, task: LearnTask, lateTargets: Bool) {
        let learned = summary.steps - summary.stepsAtStart
        if learned == 0, summary.records + summary.skippedLines > 0 {
            if summary.records == 0 {
                description =
                    "learned nothing: every one of the \(summary.skippedLines) data lines was malformed and skipped; "
                    + "see the first reasons above, then fix the input or leave out columns that are not numbers "
                    + "with --ignore or --inputs"
            } else if lateTargets {
                description =
                    "learned nothing: no target was joined to any of the \(summary.records) steps; check that the "
                    + "--target messages carry the --join key of the sensor messages"
            } else if task == .forecast, summary.records == 1 {
                description =
                    "learned nothing: a forecast learns from the record after the one it predicted from, and the "
                    + "input had only one usable record; give it at least two"
            } else {
                description = "learned nothing from \(summary.records) records"
            }
        } else if summary.nonFiniteLosses > 0 || summary.learnerFaults > 0 {
            let count = max(Int(summary.nonFiniteLosses), summary.learnerFaults)
            description =
                "learning diverged: \(count) steps were not finite (each undone, see the learner-fault alerts); lower "
                + "--beta, raise --eta, or scale the inputs to about unit size"
        } else {
            return nil
        }
    }
}
