import DriftDetection

extension AgentConfiguration {
    /// The `drift` section: detectors over the loss stream and the learner's reaction to an alert.
    public struct Drift: Sendable, Equatable {
        /// A change detector run over the loss stream.
        public enum Detector: String, Sendable, CaseIterable {
            case cusum
            case adwin
            case pageHinkley = "page-hinkley"
            /// An alert when the anomaly score crosses its threshold.
            case anomalyScore = "anomaly-score"
        }

        /// What the learner does when a detector raises an alert.
        public enum Reaction: String, Sendable, CaseIterable {
            /// Only report the alert.
            case none
            /// Multiply β by `boost_factor` for `boost_steps` steps, then restore it.
            case boostPlasticity = "boost-plasticity"
            /// Zero the costates (ω and z), so old momentum and error memory do not slow re-learning.
            case resetCostates = "reset-costates"
        }

        /// `enabled`
        public var enabled: Bool
        /// `detectors`: run in this order; each at most once.
        public var detectors: [Detector]
        /// `warm_up`: steps without alerts at the start (the detectors still learn).
        public var warmUpSteps: Int
        /// `cooldown`: steps without alerts after an alert.
        public var cooldownSteps: Int
        /// `cusum`
        public var cusum: CUSUM
        /// `adwin`
        public var adwin: ADWIN
        /// `page_hinkley`
        public var pageHinkley: PageHinkley
        /// `anomaly`
        public var anomaly: Anomaly
        /// `score`: the forecast's anomaly score (over its residuals), which alerts in `hamlet run`.
        public var score: ForecastScoreConfiguration
        /// `reaction`
        public var reaction: Reaction
        /// `boost_factor`: β multiplier of `boost-plasticity`.
        public var boostFactor: Double
        /// `boost_steps`: how long `boost-plasticity` lasts.
        public var boostSteps: Int

        public init(
            enabled: Bool = true, detectors: [Detector] = [.cusum, .adwin, .anomalyScore], warmUpSteps: Int = 5000,
            cooldownSteps: Int = 500, cusum: CUSUM = CUSUM(), adwin: ADWIN = ADWIN(), pageHinkley: PageHinkley = PageHinkley(),
            anomaly: Anomaly = Anomaly(), score: ForecastScoreConfiguration = ForecastScoreConfiguration(), reaction: Reaction = .none,
            boostFactor: Double = 3, boostSteps: Int = 1000
        ) {
            (self.enabled, self.detectors, self.warmUpSteps) = (enabled, detectors, warmUpSteps)
            (self.cooldownSteps, self.cusum, self.adwin, self.pageHinkley) = (cooldownSteps, cusum, adwin, pageHinkley)
            (self.anomaly, self.score, self.reaction, self.boostFactor) = (anomaly, score, reaction, boostFactor)
            self.boostSteps = boostSteps
        }
    }
}

extension AgentConfiguration.Drift {
    /// `drift.cusum`
    public struct CUSUM: Sendable, Equatable {
        /// `threshold`: the decision interval h, in reference standard deviations.
        public var threshold: Double

        public init(threshold: Double = 10) { self.threshold = threshold }
    }

    /// `drift.adwin`
    public struct ADWIN: Sendable, Equatable {
        /// `delta`: confidence δ of each cut test, in (0, 1); smaller = fewer false alarms, later detections.
        public var delta: Double

        public init(delta: Double = 0.002) { self.delta = delta }
    }

    /// `drift.page_hinkley`
    public struct PageHinkley: Sendable, Equatable {
        /// `threshold`: λ on the cumulative deviation, in the loss's units.
        public var threshold: Double

        public init(threshold: Double = 50) { self.threshold = threshold }
    }

    /// `drift.anomaly`
    public struct Anomaly: Sendable, Equatable {
        /// `threshold`: an alert while the anomaly score exceeds this; in (0, 1).
        public var threshold: Double

        public init(threshold: Double = 0.9999) { self.threshold = threshold }
    }
}
