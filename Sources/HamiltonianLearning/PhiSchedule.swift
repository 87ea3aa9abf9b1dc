import RealModule

/// φ_t, the weight of the loss in the Hamiltonian at step t.
public enum PhiSchedule: Sendable, Equatable {
    case constant(Double)
    /// `first` on step 0 and `then` afterwards: with `first = 1/τ` the first momentum step
    /// uses the raw gradient, as PyTorch's SGD does.
    case firstStep(first: Double, then: Double)
    /// Decays from `initial` towards `final`, halving the gap every `halfLifeSteps`.
    case decay(initial: Double, final: Double, halfLifeSteps: Double)

    public func value(atStep step: Int64) -> Double {
        switch self {
        case .constant(let phi): return phi
        case .firstStep(let first, let then): return step == 0 ? first : then
        case .decay(let initial, let final, let halfLife):
            return final + (initial - final) * Double.exp2(-Double(step) / halfLife)
        }
    }

    var values: [Double] {
        switch self {
        case .constant(let phi): return [phi]
        case .firstStep(let first, let then): return [first, then]
        case .decay(let initial, let final, let halfLife): return [initial, final, halfLife]
        }
    }
}

// Embedded Swift has no Codable (Scripts/check_arm64.sh builds the core so for arm64).
#if !hasFeature(Embedded)
extension PhiSchedule: Codable {
    private enum CodingKeys: String, CodingKey { case constant, first, then, initial, final, halfLifeSteps }

    /// `{"constant": 1}`, `{"first": 1, "then": 0.5}` or `{"initial": …, "final": …, "halfLifeSteps": …}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let phi = try c.decodeIfPresent(Double.self, forKey: .constant) {
            self = .constant(phi)
        } else if let first = try c.decodeIfPresent(Double.self, forKey: .first) {
            self = .firstStep(first: first, then: try c.decode(Double.self, forKey: .then))
        } else {
            self = .decay(
                initial: try c.decode(Double.self, forKey: .initial), final: try c.decode(Double.self, forKey: .final),
                halfLifeSteps: try c.decode(Double.self, forKey: .halfLifeSteps))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant(let phi): try c.encode(phi, forKey: .constant)
        case .firstStep(let first, let then):
            try c.encode(first, forKey: .first)
            try c.encode(then, forKey: .then)
        case .decay(let initial, let final, let halfLife):
            try c.encode(initial, forKey: .initial)
            try c.encode(final, forKey: .final)
            try c.encode(halfLife, forKey: .halfLifeSteps)
        }
    }
}
#endif
