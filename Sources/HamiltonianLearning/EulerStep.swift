/// The step size and dissipation that a model needs to move its state costate by one Euler step.
public struct EulerStep<Scalar: BinaryFloatingPoint> {
    public var tau: Scalar
    public var eta: Scalar

    @inlinable
    public init(tau: Scalar, eta: Scalar) {
        self.tau = tau
        self.eta = eta
    }
}
