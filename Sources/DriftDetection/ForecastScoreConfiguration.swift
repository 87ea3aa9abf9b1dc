/// Settings of `ForecastAnomalyScore`.
public struct ForecastScoreConfiguration: Sendable, Equatable {
    /// Steps before the first score (the score is 0 until then): the residual scale, the tails
    /// and the seen range settle meanwhile.
    public var warmUpSamples: Int
    /// Memory, in steps, of each channel's residual scale.
    public var residualMemorySamples: Int
    /// Floor of the residual scale, in the learner's units (where the input's typical deviation is 1).
    public var minimumResidualScale: Double
    /// Memory, in steps, of the two tail estimates (point surprise and its short average).
    public var tailMemorySamples: Int
    /// Where the tail starts, as a quantile of the surprise's own distribution.
    public var tailQuantile: Double
    /// Samples a view's tails must hold before it is judged: a tail fitted to a few dozen values
    /// makes the next ordinary one look rare (a weekly reference that has just settled would
    /// otherwise alert on a clean stream).
    public var minimumTailSamples: Int
    /// Span of the short average of the surprise that catches a sustained rise.
    public var shortRunSamples: Int
    /// Span of the long average of the surprise that catches a moderate rise that lasts.
    public var longRunSamples: Int
    /// A value beyond the range seen so far by more than this fraction of that range is
    /// anomalous in itself (0: off).
    public var rangeTolerance: Double
    /// Memory, in steps, of the seen range (it shrinks back slowly so that an old extreme does
    /// not hide new ones for ever).
    public var rangeMemorySamples: Int
    /// The score is −log₁₀(p)/decades, clamped to [0, 1]: p = 10^(−decades) scores 1.
    public var decades: Double
    /// Alerts while the score is at least this.
    public var threshold: Double
    /// Steps after an alert during which the score is held below the threshold, so that one
    /// event makes one alert.
    public var refractorySamples: Int
    /// With h > 0, one more view: a forecaster that sees the values up to step t−h only
    /// (`HorizonForecaster`), so a level change or a broken pattern stays in its residual for
    /// about h steps (0: off).
    public var horizonSamples: Int
    /// How many values, ending h steps back, the horizon view's forecaster sees per channel.
    public var horizonLags: Int
    /// With n > 0, a value beyond the range of about the last n values by more than
    /// `recentRangeTolerance` of it is anomalous too, however wide the range seen long ago (0: off).
    public var recentRangeSamples: Int
    /// The margin of the recent range, as a fraction of it.
    public var recentRangeTolerance: Double
    /// With n > 0, one more view: how new the recent pattern is (`ContextNovelty`, after CAD OSE),
    /// the fraction of the contexts of the last 1…`contextOrder` values, quantised into
    /// `contextBins` cells of the range, not seen within the last n steps (0: off).
    public var contextSamples: Int
    /// The longest context of the context view, in values.
    public var contextOrder: Int
    /// Cells of the range into which the context view quantises each value.
    public var contextBins: Int

    public init(
        warmUpSamples: Int = 200, residualMemorySamples: Int = 1000, minimumResidualScale: Double = 0.05, tailMemorySamples: Int = 5000, tailQuantile: Double = 0.95, minimumTailSamples: Int = 300,
        shortRunSamples: Int = 10, longRunSamples: Int = 100, rangeTolerance: Double = 0.02, rangeMemorySamples: Int = 100_000, decades: Double = 10,
        threshold: Double = 0.25, refractorySamples: Int = 30, horizonSamples: Int = 60, horizonLags: Int = 8,
        recentRangeSamples: Int = 4000, recentRangeTolerance: Double = 0.1, contextSamples: Int = 0, contextOrder: Int = 4,
        contextBins: Int = 8
    ) {
        (self.warmUpSamples, self.residualMemorySamples) = (warmUpSamples, residualMemorySamples)
        (self.minimumResidualScale, self.tailMemorySamples) = (minimumResidualScale, tailMemorySamples)
        (self.tailQuantile, self.minimumTailSamples) = (tailQuantile, minimumTailSamples)
        (self.shortRunSamples, self.longRunSamples) = (shortRunSamples, longRunSamples)
        (self.rangeTolerance, self.rangeMemorySamples, self.decades) = (rangeTolerance, rangeMemorySamples, decades)
        (self.threshold, self.refractorySamples, self.horizonSamples) = (threshold, refractorySamples, horizonSamples)
        (self.horizonLags, self.recentRangeSamples) = (horizonLags, recentRangeSamples)
        (self.recentRangeTolerance, self.contextSamples) = (recentRangeTolerance, contextSamples)
        (self.contextOrder, self.contextBins) = (contextOrder, contextBins)
    }

    /// Everything wrong with these settings, one sentence each naming the field; empty when valid.
    public var problems: [String] {
        var found: [String] = []
        if warmUpSamples < 1 { found.append("warmUpSamples must be at least 1, got \(warmUpSamples)") }
        if residualMemorySamples < 2 { found.append("residualMemorySamples must be at least 2, got \(residualMemorySamples)") }
        if !(minimumResidualScale > 0 && minimumResidualScale.isFinite) {
            found.append("minimumResidualScale must be positive, got \(minimumResidualScale)")
        }
        if tailMemorySamples < 2 { found.append("tailMemorySamples must be at least 2, got \(tailMemorySamples)") }
        if !(tailQuantile > 0 && tailQuantile < 1) { found.append("tailQuantile must lie in (0, 1), got \(tailQuantile)") }
        if minimumTailSamples < 0 { found.append("minimumTailSamples must be 0 or more, got \(minimumTailSamples)") }
        if shortRunSamples < 1 { found.append("shortRunSamples must be at least 1, got \(shortRunSamples)") }
        if longRunSamples < 1 { found.append("longRunSamples must be at least 1, got \(longRunSamples)") }
        if !(rangeTolerance >= 0 && rangeTolerance.isFinite) { found.append("rangeTolerance must be 0 or more, got \(rangeTolerance)") }
        if rangeMemorySamples < 2 { found.append("rangeMemorySamples must be at least 2, got \(rangeMemorySamples)") }
        if !(decades > 0 && decades.isFinite) { found.append("decades must be positive, got \(decades)") }
        if !(threshold > 0 && threshold <= 1) { found.append("threshold must lie in (0, 1], got \(threshold)") }
        if refractorySamples < 0 { found.append("refractorySamples must be 0 or more, got \(refractorySamples)") }
        if horizonSamples < 0 || horizonSamples > 100_000 { found.append("horizonSamples must lie in 0...100000 (0: off), got \(horizonSamples)") }
        if horizonLags < 1 || horizonLags > 64 { found.append("horizonLags must lie in 1...64, got \(horizonLags)") }
        if recentRangeSamples < 0 || recentRangeSamples > 1_000_000 {
            found.append("recentRangeSamples must lie in 0...1000000 (0: off), got \(recentRangeSamples)")
        }
        if !(recentRangeTolerance >= 0 && recentRangeTolerance.isFinite) {
            found.append("recentRangeTolerance must be 0 or more, got \(recentRangeTolerance)")
        }
        if contextSamples < 0 || contextSamples > 10_000_000 {
            found.append("contextSamples must lie in 0...10000000 (0: off), got \(contextSamples)")
        }
        if contextOrder < 1 || contextOrder > 8 { found.append("contextOrder must lie in 1...8, got \(contextOrder)") }
        if contextBins < 2 || contextBins > 64 { found.append("contextBins must lie in 2...64, got \(contextBins)") }
        if (1...8).contains(contextOrder), (2...64).contains(contextBins),
            ContextNovelty.tableSize(order: contextOrder, bins: contextBins) > ContextNovelty.maximumTableSize
        {
            found.append(
                "contextBins^contextOrder must keep the context table within \(ContextNovelty.maximumTableSize) entries, got \(contextBins)^\(contextOrder)")
        }
        return found
    }
}
