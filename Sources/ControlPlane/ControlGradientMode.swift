/// How the recurrent layer's gradient is carried through time, as named on the wire.
public enum ControlGradientMode: String, Sendable, Hashable, CaseIterable {
    /// Eligibility traces (forward, real-time recurrent learning).
    case traces
    /// The Hamiltonian costate integrated alongside the state.
    case costate
}
