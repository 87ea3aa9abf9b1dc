import Testing

@testable import ControlPlane

@Suite("Commands parsed from JSON text")
struct CommandParsingTests {
    @Test(arguments: [
        (#"{"command": "get-config"}"#, ControlCommand.getConfig),
        (#"{"command":"get-status"}"#, .getStatus),
        (#"{"command": "pause"}"#, .pause),
        (#"{"command": "resume"}"#, .resume),
        (#"{"command": "reset-model"}"#, .resetModel),
        (#"{"command": "reset-costates"}"#, .resetCostates),
        (#"{"command": "checkpoint"}"#, .checkpoint),
        (#"{"command": "set-learning", "beta": 0.01}"#, .setLearning(LearningChange(beta: 0.01))),
        (
            #"{"command": "set-learning", "beta": 1e-2, "eta": 0, "phi": 0.5, "tau": 2, "gradient_mode": "costate"}"#,
            .setLearning(LearningChange(beta: 0.01, eta: 0, phi: 0.5, tau: 2, gradientMode: .costate))
        ),
        (
            #"{"command": "set-learning", "gradient_mode": "traces"}"#,
            .setLearning(LearningChange(gradientMode: .traces))
        ),
        (#"{"command": "set-detector", "detector": "cusum", "threshold": 5}"#, .setDetector(.cusum(threshold: 5))),
        (#"{"command": "set-detector", "detector": "adwin", "delta": 0.002}"#, .setDetector(.adwin(delta: 0.002))),
        (
            #"{"command": "set-detector", "detector": "page-hinkley", "threshold": 50}"#,
            .setDetector(.pageHinkley(threshold: 50))
        ),
        (
            #"{"command": "set-detector", "threshold": 0.99, "detector": "anomaly-score"}"#,
            .setDetector(.anomalyScore(threshold: 0.99))
        ),
        (#"{"command": "set-prediction-rate", "every": 10}"#, .setPredictionRate(PredictionRateChange(every: 10))),
        (#"{"command": "set-prediction-rate", "every": 2.0}"#, .setPredictionRate(PredictionRateChange(every: 2))),
        (
            #"{"command": "set-prediction-rate", "max_rate_hz": 0}"#,
            .setPredictionRate(PredictionRateChange(maxRateHz: 0))
        ),
        (
            #"{"command": "set-prediction-rate", "every": 1, "max_rate_hz": 2.5}"#,
            .setPredictionRate(PredictionRateChange(every: 1, maxRateHz: 2.5))
        ),
    ])
    func parsesCommand(text: String, expected: ControlCommand) {
        #expect(command(text) == expected)
    }

    @Test func toleratesWhitespaceByteOrderMarkAndEscapedNames() {
        #expect(command(" \n\t{ \"command\" : \"pause\" }\r\n") == .pause)
        #expect(command("\u{FEFF}{\"command\": \"pause\"}") == .pause)
        #expect(command(#"{"command": "p\u0061use"}"#) == .pause)
    }

    @Test func requestTopicsFollowThePrefix() {
        #expect(parser.requestTopic == "hamlet/pump-7/control")
        #expect(parser.defaultReplyTopic == "hamlet/pump-7/control/reply")
    }

    @Test func everyCommandNameIsParsed() {
        for name in ControlCommandName.allCases {
            let arguments =
                switch name {
                case .setLearning: #", "eta": 1"#
                case .setDetector: #", "detector": "cusum", "threshold": 1"#
                case .setPredictionRate: #", "every": 3"#
                default: ""
                }
            #expect(command(#"{"command": "\#(name.rawValue)"\#(arguments)}"#)?.name == name)
        }
    }
}
