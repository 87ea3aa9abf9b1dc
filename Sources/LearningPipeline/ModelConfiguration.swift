import HamiltonianLearning

/// Which network the agent learns, with its sizes: what a checkpoint needs to rebuild it.
public enum ModelConfiguration: Sendable, Codable, Equatable {
    case mlp(MLPConfiguration)
    case forecaster(ForecasterConfiguration)
    /// K residual recurrent blocks (issue 14); `forecaster` stays the single-layer model.
    case deep(DeepForecasterConfiguration)

    public var inputCount: Int {
        switch self {
        case .mlp(let c): return c.inputCount
        case .forecaster(let c): return c.inputCount
        case .deep(let c): return c.inputCount
        }
    }

    public var outputCount: Int {
        switch self {
        case .mlp(let c): return c.outputCount
        case .forecaster(let c): return c.outputCount
        case .deep(let c): return c.outputCount
        }
    }

    /// A short human description, e.g. "forecaster (3 inputs, 64 states, 64 hidden, 3 outputs, gelu, traces)".
    public var summary: String {
        switch self {
        case .mlp(let c):
            return "mlp (\(c.inputCount) inputs, hidden \(c.hiddenCounts), \(c.outputCount) outputs, \(c.activation.rawValue))"
        case .forecaster(let c):
            return "forecaster (\(c.inputCount) inputs, \(c.stateCount) states, \(c.hiddenCount) hidden, "
                + "\(c.outputCount) outputs, \(c.activation.rawValue), \(c.gradientMode.rawValue))"
        case .deep(let c):
            return "deep (\(c.inputCount) inputs, \(c.blockCount) blocks of width \(c.width), \(c.stateCount) states, "
                + "\(c.hiddenCount) hidden, \(c.outputCount) outputs, \(c.scheme.rawValue), \(c.gradientMode.rawValue))"
        }
    }

    public var problems: [String] {
        switch self {
        case .mlp(let c): return c.problems
        case .forecaster(let c): return c.problems
        case .deep(let c): return c.problems
        }
    }
}

extension ModelConfiguration {
    private enum CodingKeys: String, CodingKey { case kind, configuration }

    /// `{"kind": "forecaster", "configuration": {…}}`: readable in a checkpoint's metadata.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "mlp": self = .mlp(try container.decode(MLPConfiguration.self, forKey: .configuration))
        case "forecaster": self = .forecaster(try container.decode(ForecasterConfiguration.self, forKey: .configuration))
        case "deep": self = .deep(try container.decode(DeepForecasterConfiguration.self, forKey: .configuration))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown model kind \"\(other)\" (mlp, forecaster or deep)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .mlp(let c):
            try container.encode("mlp", forKey: .kind)
            try container.encode(c, forKey: .configuration)
        case .forecaster(let c):
            try container.encode("forecaster", forKey: .kind)
            try container.encode(c, forKey: .configuration)
        case .deep(let c):
            try container.encode("deep", forKey: .kind)
            try container.encode(c, forKey: .configuration)
        }
    }
}
