import RealModule

/// A network that the online learners can drive: a forward pass at the current state, then a
/// backward pass that writes ∂H'/∂θ and moves the state (and its costate or traces) one step.
///
/// Models own every buffer they need, allocated at construction; `forward` and `backward`
/// allocate nothing and must be called from one thread at a time, alternating.
public protocol LearnableModel: AnyObject {
    associatedtype Scalar: Real & BinaryFloatingPoint

    var layout: ParameterLayout { get }
    var inputCount: Int { get }
    var outputCount: Int { get }

    /// Writes y = f(u, h; θ) for the current state h and keeps what `backward` needs.
    func forward(input: UnsafePointer<Scalar>, parameters: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>)

    /// Given g_y = φ ∂L/∂y for the last `forward`, delivers ∂H'/∂θ for every parameter exactly
    /// once to `sink` (which may change θ, so each entry comes after its θ's last read), and
    /// advances the state by one Euler step with the θ of before. `outputGradient` may be clobbered.
    func backward<Sink: GradientSink>(
        parameters: UnsafePointer<Scalar>, outputGradient: UnsafeMutablePointer<Scalar>, sink: Sink,
        step: EulerStep<Scalar>) where Sink.Scalar == Scalar

    /// Keeps θ admissible (e.g. |λ| < 1) and refreshes values derived from θ; call after any change of θ.
    func parametersDidChange(_ parameters: UnsafeMutablePointer<Scalar>)

    /// Draws initial weights.
    func initialize(parameters: UnsafeMutablePointer<Scalar>, generator: inout SeededGenerator)

    /// Named buffers of the recurrent state, its costate and its traces (empty for a feed-forward net).
    var stateBuffers: [StateBuffer<Scalar>] { get }

    /// Zeroes the state costate z (not the state itself).
    func resetStateCostate()

    /// Zeroes the recurrent state and everything carried with it. Allocation-free.
    func resetState()

    /// Lines up whatever the model keeps per step number with a learner resumed at `step` (the
    /// restored `stateBuffers` hold the rest). Most models keep nothing per step number.
    func resume(atStep step: Int64)
}

/// One named piece of a model's recurrent state, with its shape, for checkpoints.
public struct StateBuffer<Scalar: BinaryFloatingPoint> {
    public let name: String
    public let shape: [Int]
    public let buffer: ScalarBuffer<Scalar>
}

extension LearnableModel {
    public func resume(atStep step: Int64) {}

    /// `backward` that writes ∂H'/∂θ into `gradient`.
    @inlinable
    public func backward(
        parameters: UnsafePointer<Scalar>, outputGradient: UnsafeMutablePointer<Scalar>,
        gradient: UnsafeMutablePointer<Scalar>, step: EulerStep<Scalar>
    ) {
        backward(parameters: parameters, outputGradient: outputGradient, sink: GradientStore(gradient), step: step)
    }
}
