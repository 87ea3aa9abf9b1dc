extension ControlCommand {
    /// Reads the arguments of command `name`; each message says what to fix.
    static func parse(_ name: ControlCommandName, _ arguments: CommandArguments) throws(ControlError) -> ControlCommand
    {
        func bare(_ command: ControlCommand) throws(ControlError) -> ControlCommand {
            try arguments.allowOnly([])
            return command
        }
        switch name {
        case .getConfig: return try bare(.getConfig)
        case .getStatus: return try bare(.getStatus)
        case .pause: return try bare(.pause)
        case .resume: return try bare(.resume)
        case .resetModel: return try bare(.resetModel)
        case .resetCostates: return try bare(.resetCostates)
        case .checkpoint: return try bare(.checkpoint)
        case .setLearning: return .setLearning(try parseLearning(arguments))
        case .setDetector: return .setDetector(try parseDetector(arguments))
        case .setPredictionRate: return .setPredictionRate(try parsePredictionRate(arguments))
        }
    }

    private static func parseLearning(_ arguments: CommandArguments) throws(ControlError) -> LearningChange {
        let fields = ["beta", "eta", "phi", "tau", "gradient_mode"]
        try arguments.allowOnly(fields)
        guard !arguments.isEmpty else {
            throw ControlError(.missingField, "set-learning needs at least one of \(CommandArguments.list(fields))")
        }
        let mode = try arguments.choice("gradient_mode", ControlGradientMode.allCases.map(\.rawValue))
        return LearningChange(
            beta: try arguments.number("beta", .positive), eta: try arguments.number("eta", .nonNegative),
            phi: try arguments.number("phi", .nonNegative), tau: try arguments.number("tau", .positive),
            gradientMode: mode.flatMap(ControlGradientMode.init(rawValue:)))
    }

    private static func parseDetector(_ arguments: CommandArguments) throws(ControlError) -> DetectorChange {
        let detectors = ["cusum", "adwin", "page-hinkley", "anomaly-score"]
        try arguments.allowOnly(["detector", "threshold", "delta"])
        let detector = try arguments.required(
            try arguments.choice("detector", detectors), "detector", "one of \(CommandArguments.list(detectors))")
        if detector == "adwin" {
            // ADWIN's knob is a confidence, not a threshold: naming it `delta` keeps that visible.
            if arguments.has("threshold") {
                throw ControlError(
                    .unknownField, "adwin takes \"delta\" (confidence between 0 and 1), not \"threshold\"; rename it",
                    field: "threshold")
            }
            return .adwin(
                delta: try arguments.required(
                    try arguments.number("delta", .openUnitInterval), "delta", "confidence between 0 and 1"))
        }
        if arguments.has("delta") {
            throw ControlError(
                .unknownField, "\(detector) takes \"threshold\", not \"delta\" (only adwin has a delta); rename it",
                field: "delta")
        }
        switch detector {
        case "cusum":
            return .cusum(
                threshold: try arguments.required(
                    try arguments.number("threshold", .positive), "threshold", "decision interval > 0"))
        case "page-hinkley":
            return .pageHinkley(
                threshold: try arguments.required(try arguments.number("threshold", .positive), "threshold", "> 0"))
        default:
            return .anomalyScore(
                threshold: try arguments.required(
                    try arguments.number("threshold", .openUnitInterval), "threshold", "score between 0 and 1"))
        }
    }

    private static func parsePredictionRate(_ arguments: CommandArguments) throws(ControlError) -> PredictionRateChange
    {
        let fields = ["every", "max_rate_hz"]
        try arguments.allowOnly(fields)
        guard !arguments.isEmpty else {
            throw ControlError(.missingField, "set-prediction-rate needs \"every\", \"max_rate_hz\" or both")
        }
        return PredictionRateChange(
            every: try arguments.integer("every", 1...Int(Int32.max)),
            maxRateHz: try arguments.number("max_rate_hz", .nonNegative))
    }
}
